import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";

/** A fixed window: `points` calls per `durationMs`, counted per key. */
export interface WindowSpec {
  name: string;
  points: number;
  durationMs: number;
}

/** A key's window after a call: how many calls it holds and when it ends. */
export interface WindowCount {
  count: number;
  msBeforeNext: number;
}

/**
 * Where the limits' counts live. Answers may be synchronous: on one node the count is a map lookup, and the CRM
 * read path stays free of promise hops.
 */
export interface WindowCounters {
  hit(spec: WindowSpec, key: WindowKey, now: number): WindowCount | Promise<WindowCount>;
  peek(spec: WindowSpec, key: WindowKey, now: number): WindowCount | undefined | Promise<WindowCount | undefined>;
  /** Gives back one call taken by `hit` in the same window (a reservation that turned out not to count). */
  refund(spec: WindowSpec, key: WindowKey, now: number): void | Promise<void>;
}

/** An app or account id as it is, or a composed key; numbers spare the hot path a string per call. */
export type WindowKey = string | number;

const SWEEP_EVERY_MS = 60_000;

/**
 * One node's counts, in this process, on the platform's clock. rate-limiter-flexible's memory store does the same
 * with a result object, a timer and a promise per call (4.6 µs each, two per CRM call); this is a map lookup.
 */
export class LocalWindowCounters implements WindowCounters {
  /** Per window name, per key. */
  private readonly windows = new Map<string, Map<WindowKey, { count: number; endsAt: number }>>();
  private nextSweep = 0;

  hit(spec: WindowSpec, key: WindowKey, now: number): WindowCount {
    if (now >= this.nextSweep) this.sweep(now);
    let named = this.windows.get(spec.name);
    if (!named) {
      named = new Map();
      this.windows.set(spec.name, named);
    }
    let w = named.get(key);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + spec.durationMs };
      named.set(key, w);
    }
    w.count++;
    return { count: w.count, msBeforeNext: w.endsAt - now };
  }

  peek(spec: WindowSpec, key: WindowKey, now: number): WindowCount | undefined {
    const w = this.windows.get(spec.name)?.get(key);
    return w && w.endsAt > now ? { count: w.count, msBeforeNext: w.endsAt - now } : undefined;
  }

  refund(spec: WindowSpec, key: WindowKey, now: number): void {
    const w = this.windows.get(spec.name)?.get(key);
    if (w && w.endsAt > now && w.count > 0) w.count--;
  }

  /** Ended windows are dropped once a minute, so keys seen once do not accumulate. */
  private sweep(now: number): void {
    for (const named of this.windows.values()) for (const [key, w] of named) if (w.endsAt <= now) named.delete(key);
    this.nextSweep = now + SWEEP_EVERY_MS;
  }
}

/**
 * rate-limiter-flexible's increment script (same keys, same values, same expiry), for many keys at once: ARGV holds
 * each key's increment and window in seconds; the answer is each key's count and milliseconds left, in order. Its keys
 * stay readable by the library's own `get` and `reward` (peek, refund).
 */
const INCR_MANY = `local out = {}
for i = 1, #KEYS do
  redis.call('set', KEYS[i], 0, 'EX', ARGV[2 * i], 'NX')
  local count = redis.call('incrby', KEYS[i], ARGV[2 * i - 1])
  local ttl = redis.call('pttl', KEYS[i])
  if ttl == -1 then
    redis.call('expire', KEYS[i], ARGV[2 * i])
    ttl = 1000 * ARGV[2 * i]
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out`;

/** Counts shared by every node through Redis (atomic Lua scripts: our batched increment, the library's peek and refund), on Redis' clock. */
export class RedisWindowCounters implements WindowCounters {
  private readonly limiters = new Map<string, RateLimiterRedis>();
  /** This turn's calls by Redis key: how long a new window lasts, and who waits for a count. */
  private batch: Map<string, { seconds: number; waiting: Array<{ resolve: (w: WindowCount) => void; reject: (e: unknown) => void }> }> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!("sprocketIncrMany" in redis)) redis.defineCommand("sprocketIncrMany", { lua: INCR_MANY });
  }

  private limiter(spec: WindowSpec): RateLimiterRedis {
    const id = `${spec.name}:${spec.points}:${spec.durationMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}:rl:${spec.name}`,
        points: spec.points,
        duration: spec.durationMs / 1000,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /**
   * Counts one call. The calls of one turn of the event loop go to Redis together, as one script call for all their
   * keys: each key gets one INCRBY of its number of calls, and the callers take its counts in the order they came, as
   * if each had incremented alone. On PostgreSQL + Redis two separate script calls per CRM call (rate-limiter-flexible's
   * own, each with a promise chain and a result object) were a round trip each and most of the Redis work per request
   * (issue #24). The counts stay exact across nodes: the script is atomic, so no node admits more than the limit.
   */
  hit(spec: WindowSpec, key: WindowKey): Promise<WindowCount> {
    if (!this.batch) {
      this.batch = new Map();
      setImmediate(this.flush);
    }
    const redisKey = `${this.prefix}:rl:${spec.name}:${key}`;
    let entry = this.batch.get(redisKey);
    if (!entry) {
      entry = { seconds: Math.floor(spec.durationMs / 1000), waiting: [] };
      this.batch.set(redisKey, entry);
    }
    const waiting = entry.waiting;
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  private readonly flush = () => {
    const batch = this.batch!;
    this.batch = undefined;
    const keys = [...batch.keys()];
    const args: Array<string | number> = [keys.length, ...keys];
    for (const entry of batch.values()) args.push(entry.waiting.length, entry.seconds);
    (this.redis as Redis & { sprocketIncrMany(...args: Array<string | number>): Promise<number[]> }).sprocketIncrMany(...args).then(
      (out) => {
        keys.forEach((key, i) => {
          const { waiting } = batch.get(key)!;
          const [count, ttl] = [out[2 * i]!, out[2 * i + 1]!];
          waiting.forEach((w, k) => w.resolve({ count: count - waiting.length + k + 1, msBeforeNext: ttl }));
        });
      },
      (error: unknown) => {
        for (const { waiting } of batch.values()) for (const w of waiting) w.reject(error);
      },
    );
  };

  async peek(spec: WindowSpec, key: WindowKey): Promise<WindowCount | undefined> {
    const res = await this.limiter(spec).get(String(key));
    return res ? { count: res.consumedPoints, msBeforeNext: res.msBeforeNext } : undefined;
  }

  async refund(spec: WindowSpec, key: WindowKey): Promise<void> {
    await this.limiter(spec).reward(String(key), 1);
  }
}
