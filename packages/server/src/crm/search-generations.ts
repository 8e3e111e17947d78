import { randomInt } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A per-(account, object type) write generation: the search index (search-index.ts) answers a search only while the
 * generation it read before its snapshot is still the one a search reads when it starts. A write bumps it after its
 * commit and before its response (`inTransaction`), so a write acknowledged to any client is in every index whose
 * generation still matches. An undefined generation means "cannot tell": the search takes the SQL plan.
 */
export interface SearchGenerations {
  read(key: string): Promise<string | undefined> | string | undefined;
  bump(keys: readonly string[]): Promise<void> | void;
}

export const generationKey = (accountId: number, typeId: string) => `${accountId}:${typeId}`;

/**
 * One node: a counter per key in this process. On SQLite the main connection's `PRAGMA data_version` is part of the
 * generation, since it changes whenever another connection (another process on the same file) commits: such writes
 * are not bumped here, so any of them makes every index unknown until rebuilt.
 */
export class LocalGenerations implements SearchGenerations {
  private readonly counts = new Map<string, number>();
  constructor(private readonly dataVersion: () => number | undefined) {}
  read(key: string): string | undefined {
    return `${this.counts.get(key) ?? 0}:${this.dataVersion() ?? ""}`;
  }
  bump(keys: readonly string[]): void {
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/**
 * Several nodes: an INCR in Redis, awaited before the write's response. A key Redis does not hold (never written, or
 * Redis flushed or restarted without its data) is set to a random start, so a counter that starts over does not
 * return to a value an index was built at.
 */
export class RedisGenerations implements SearchGenerations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  private name = (key: string) => `${this.prefix}:search-gen:${key}`;
  async read(key: string): Promise<string | undefined> {
    const now = await this.redis.get(this.name(key));
    if (now !== null) return now;
    await this.redis.set(this.name(key), String(randomInt(2 ** 47) * 1024), "NX");
    return (await this.redis.get(this.name(key))) ?? undefined;
  }
  async bump(keys: readonly string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.incrby(this.name(key), 1);
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}

/** The (account, type) keys a transaction wrote records of, for `inTransaction` to bump after its commit. */
const written = new WeakMap<object, Set<string>>();

export function noteWrite(db: object, accountId: number, typeId: string): void {
  let keys = written.get(db);
  if (!keys) written.set(db, (keys = new Set()));
  keys.add(generationKey(accountId, typeId));
}

export function writesOf(db: object): string[] {
  return [...(written.get(db) ?? [])];
}
