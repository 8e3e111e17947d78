import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import { sha256 } from "../crypto/opaque-token";
import type { MaybePromise } from "../util/maybe-async";

export interface DeveloperPrincipal {
  accountId: number;
  userId: number;
  keyId: number;
  email: string;
}

interface CachedPrincipal {
  principal: DeveloperPrincipal | undefined;
  expiresAt: number;
  cachedAt: number;
}

/**
 * As for app tokens (apps/app-tokens.ts): one second bounds how long another node may still honour a key revoked
 * elsewhere; this node forgets at once. Under the reliability suite's mix on PostgreSQL this read was one of three
 * waits for a pool connection before every card function call.
 */
const CACHE_MS = 1000;
const MAX_CACHED = 10_000;

/** The short-lived bearer tokens `hs` and the console's card calls present, resolved through this node's cache. */
export class DeveloperTokens {
  private readonly cache = new Map<string, CachedPrincipal>();
  private readonly loading = new Map<string, Promise<CachedPrincipal>>();
  private generation = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Forgets every cached answer; call it once a revocation has committed. */
  invalidate(): void {
    this.cache.clear();
    this.loading.clear();
    this.generation++;
  }

  resolve(token: string): MaybePromise<DeveloperPrincipal | undefined> {
    const now = this.clock.now();
    const entry = this.cache.get(token);
    if (entry && now - entry.cachedAt <= CACHE_MS && now >= entry.cachedAt) return principalOf(entry, now);
    // Requests that miss together share one read.
    let loading = this.loading.get(token);
    if (!loading) {
      const started = this.load(token, now, this.generation);
      const done = () => void (this.loading.get(token) === started && this.loading.delete(token));
      started.then(done, done);
      this.loading.set(token, (loading = started));
    }
    return loading.then((loaded) => principalOf(loaded, now));
  }

  private async load(token: string, now: number, generation: number): Promise<CachedPrincipal> {
    const row = await this.db
      .selectFrom("developer_tokens")
      .innerJoin("users", "users.id", "developer_tokens.user_id")
      .select([
        "developer_tokens.key_id",
        "developer_tokens.account_id",
        "developer_tokens.user_id",
        "developer_tokens.expires_at",
        "users.email",
      ])
      .where("developer_tokens.token_hash", "=", sha256(token))
      .executeTakeFirst();
    const entry: CachedPrincipal = {
      principal: row && { accountId: row.account_id, userId: row.user_id, keyId: row.key_id, email: row.email },
      expiresAt: row?.expires_at ?? 0,
      cachedAt: now,
    };
    if (this.cache.size > MAX_CACHED) this.cache.clear();
    // Read before a revocation committed and invalidated: it serves the requests that waited for it, no later ones.
    if (generation === this.generation) this.cache.set(token, entry);
    return entry;
  }
}

const principalOf = (entry: CachedPrincipal, now: number) => (entry.principal && entry.expiresAt > now ? entry.principal : undefined);
