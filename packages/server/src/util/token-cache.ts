import type { Clock } from "../platform";

/**
 * One second bounds how long another node may still honour a token revoked elsewhere (this node clears its cache at
 * once), and keeps auth off the database on hot paths.
 */
export const TOKEN_CACHE_MS = 1000;
/**
 * Past this age a hit starts the next read in the background, and the answer it gets replaces the entry. Under load
 * a read waits for a pool connection behind write transactions (0.6 s at the median in the 200-client mix on
 * PostgreSQL), and when an entry expired every request with that token waited for the one read: once a second, every
 * client of an app stalled together. The bound is unchanged: an answer is served at most TOKEN_CACHE_MS after its read
 * started.
 */
export const REFRESH_AFTER_MS = TOKEN_CACHE_MS / 2;
const MAX_CACHED = 10_000;

/**
 * A node's short cache of token lookups (apps/app-tokens.ts, accounts/developer-tokens.ts), keyed by the token itself
 * so that a hit costs no hashing; only the database holds hashes.
 */
export class TokenCache<T> {
  private readonly cache = new Map<string, { value: T; cachedAt: number }>();
  private readonly loading = new Map<string, Promise<T>>();
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly read: (token: string) => Promise<T>,
  ) {}

  /**
   * The cached answer if it is fresh at `now`; past REFRESH_AFTER_MS the next read starts in the background. `key` is
   * what the answer is cached under: the token, or a string holding it that the caller has at hand (see AppTokens).
   */
  fresh(key: string, now: number, token = key): T | undefined {
    const entry = this.cache.get(key);
    if (!entry || now - entry.cachedAt > TOKEN_CACHE_MS || now < entry.cachedAt) return undefined;
    // A failed read leaves the entry to expire; the next miss reads again.
    if (now - entry.cachedAt > REFRESH_AFTER_MS && !this.loading.has(key)) this.load(key, token).catch(() => undefined);
    return entry.value;
  }

  /**
   * The read's answer. Requests that miss together share one read: when an entry expires under load, every request
   * arriving during the read's round trip would otherwise read the same row again.
   */
  load(key: string, token = key): Promise<T> {
    let loading = this.loading.get(key);
    if (!loading) {
      const started = this.readAndKeep(key, token, this.clock.now(), this.generation);
      const done = () => void (this.loading.get(key) === started && this.loading.delete(key));
      started.then(done, done);
      this.loading.set(key, (loading = started));
    }
    return loading;
  }

  /** Forgets every answer; call it once the change that made them stale has committed. */
  clear(): void {
    this.cache.clear();
    this.loading.clear();
    this.generation++;
  }

  private async readAndKeep(key: string, token: string, cachedAt: number, generation: number): Promise<T> {
    const value = await this.read(token);
    if (this.cache.size > MAX_CACHED) this.cache.clear();
    // Read before a change was committed and cleared: the answer serves the requests that waited for it, no later ones.
    if (generation === this.generation) this.cache.set(key, { value, cachedAt });
    return value;
  }
}
