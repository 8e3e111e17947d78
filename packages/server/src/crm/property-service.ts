import type { Clock } from "../platform";
import { after, type MaybePromise } from "../util/maybe-async";
import type { ObjectType } from "./object-types";
import {
  allProperties,
  archiveProperty,
  createProperty,
  updateProperty,
  type PropertyCreateInput,
  type PropertyDef,
} from "./property-definitions";
import type { Db } from "./object-writes";

/** How long a type's definitions are served from memory: a change made through another node shows within this. */
const CACHE_MS = 1000;
/** Past this age a hit starts the next read in the background (see `live`). */
const REFRESH_AFTER_MS = CACHE_MS / 2;

/**
 * The property definitions one platform serves. Every object read and write needs its type's live definitions, so
 * they are kept briefly per account and type, timed by the platform's clock, and dropped whenever they change here.
 */
export class PropertyDefinitions {
  private readonly cache = new Map<string, { at: number; defs: Map<string, PropertyDef> }>();
  private readonly loading = new Map<string, Promise<Map<string, PropertyDef>>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * The live (unarchived) definitions of a type; a cached answer comes without a promise (the get-by-id hot path). Past
   * half the cache time a hit reads again in the background, as the token caches do (util/token-cache.ts): on
   * PostgreSQL under load a read waits its turn for a pool connection behind the writes (hundreds of milliseconds in
   * the 200-client mix), and when the entry expired every read and write of the type waited for that one read, a stall
   * of the account's clients once a second. An answer is still served at most CACHE_MS after its read started.
   */
  live(accountId: number, typeId: string): MaybePromise<Map<string, PropertyDef>> {
    const now = this.clock.now();
    const key = `${accountId}:${typeId}`;
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_MS && now >= hit.at) {
      // A failed read leaves the entry to expire; the next miss reads again.
      if (now - hit.at >= REFRESH_AFTER_MS && !this.loading.has(key)) {
        const next = this.load(key, accountId, typeId, now);
        if (next instanceof Promise) next.catch(() => undefined);
      }
      return hit.defs;
    }
    // Reads that miss together share one (PostgreSQL): at an expiry under load, every get during its round trip missed.
    return this.loading.get(key) ?? this.load(key, accountId, typeId, now);
  }

  private load(key: string, accountId: number, typeId: string, now: number): MaybePromise<Map<string, PropertyDef>> {
    let started: Promise<Map<string, PropertyDef>> | undefined;
    const defs = after(allProperties(this.db, accountId, typeId), (all) => {
      const live = new Map([...all].filter(([, d]) => !d.archived));
      // Not when `invalidate` came meanwhile: the change it announced may not be in this read.
      if (started === undefined || this.loading.get(key) === started) this.cache.set(key, { at: now, defs: live });
      return live;
    });
    if (defs instanceof Promise) {
      started = defs;
      const done = () => void (this.loading.get(key) === defs && this.loading.delete(key));
      defs.then(done, done);
      this.loading.set(key, defs);
    }
    return defs;
  }

  invalidate(accountId: number, typeId: string): void {
    this.cache.delete(`${accountId}:${typeId}`);
    this.loading.delete(`${accountId}:${typeId}`);
  }

  /** Creates one property; `trx` may be the transaction of a larger write (batch create). */
  async create(trx: Db, accountId: number, t: ObjectType, input: PropertyCreateInput): Promise<PropertyDef> {
    const def = await createProperty(trx, accountId, t, input, this.clock.now());
    this.invalidate(accountId, t.id);
    return def;
  }

  async update(trx: Db, accountId: number, t: ObjectType, name: string, body: unknown): Promise<PropertyDef> {
    const def = await updateProperty(trx, accountId, t, name, body, this.clock.now());
    this.invalidate(accountId, t.id);
    return def;
  }

  async archive(trx: Db, accountId: number, t: ObjectType, name: string): Promise<void> {
    await archiveProperty(trx, accountId, t, name, this.clock.now());
    this.invalidate(accountId, t.id);
  }
}
