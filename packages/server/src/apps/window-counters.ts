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

/** One window of a chain, and the key counted in it. */
export type WindowLink = readonly [WindowSpec, WindowKey];

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
 * rate-limiter-flexible's increment (same keys, same values, same expiry) for every call of a batch, in order. ARGV
 * holds, per call, its number of links and then each link's key (an index into KEYS), window in seconds and points;
 * a call stops after the first window it takes over its points. The answer holds, per call, how many windows it
 * reached and then each one's count and milliseconds left. Its keys stay readable by the library's `get` and `reward`.
 */
const INCR_CHAINS = `local out = {}
local a = 1
while a <= #ARGV do
  local n = tonumber(ARGV[a])
  local first = a + 1
  a = first + 3 * n
  local reached = {}
  for j = 0, n - 1 do
    local key = KEYS[tonumber(ARGV[first + 3 * j])]
    local seconds = ARGV[first + 3 * j + 1]
    redis.call('set', key, 0, 'EX', seconds, 'NX')
    local count = redis.call('incrby', key, 1)
    local ttl = redis.call('pttl', key)
    if ttl == -1 then
      redis.call('expire', key, seconds)
      ttl = 1000 * seconds
    end
    reached[#reached + 1] = count
    reached[#reached + 1] = ttl
    if count > tonumber(ARGV[first + 3 * j + 2]) then break end
  end
  out[#out + 1] = #reached / 2
  for _, v in ipairs(reached) do out[#out + 1] = v end
end
return out`;

/** Counts shared by every node through Redis (atomic Lua scripts: our batched increment, the library's peek and refund), on Redis' clock. */
export class RedisWindowCounters implements WindowCounters {
  private readonly limiters = new Map<string, RateLimiterRedis>();
  /** This turn's calls, in order: their chains, and who waits for the counts. */
  private batch: Array<{ links: readonly WindowLink[]; resolve: (w: WindowCount[]) => void; reject: (e: unknown) => void }> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!("sprocketIncrChains" in redis)) redis.defineCommand("sprocketIncrChains", { lua: INCR_CHAINS });
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

  hit(spec: WindowSpec, key: WindowKey): Promise<WindowCount> {
    return this.hitChain([[spec, key]]).then(([w]) => w!);
  }

  /**
   * Counts one call against windows in turn, stopping after the first one it takes over its points (a call refused by
   * its app's 10-second window does not use the account's daily budget): the counts of the windows it reached.
   * The calls of one turn of the event loop go to Redis together, as one script call that counts each in the order it
   * came, as if each had gone alone. On PostgreSQL + Redis, a CRM call's two windows were two round trips through
   * rate-limiter-flexible (a promise chain and a result object each), most of the Redis work per request (issue #24);
   * now a turn's calls share one. The counts stay exact across nodes: the script is atomic.
   */
  hitChain(links: readonly WindowLink[]): Promise<WindowCount[]> {
    if (!this.batch) {
      this.batch = [];
      setImmediate(this.flush);
    }
    const batch = this.batch;
    return new Promise((resolve, reject) => batch.push({ links, resolve, reject }));
  }

  private readonly flush = () => {
    const batch = this.batch!;
    this.batch = undefined;
    const keys = new Map<string, number>();
    const args: Array<string | number> = [];
    for (const { links } of batch) {
      args.push(links.length);
      for (const [spec, key] of links) {
        const redisKey = `${this.prefix}:rl:${spec.name}:${key}`;
        let index = keys.get(redisKey);
        if (index === undefined) keys.set(redisKey, (index = keys.size + 1));
        args.push(index, Math.floor(spec.durationMs / 1000), spec.points);
      }
    }
    (this.redis as Redis & { sprocketIncrChains(...args: Array<string | number>): Promise<number[]> })
      .sprocketIncrChains(keys.size, ...keys.keys(), ...args)
      .then(
        (out) => {
          let i = 0;
          for (const call of batch) {
            const reached = out[i++]!;
            const counts: WindowCount[] = [];
            for (let j = 0; j < reached; j++, i += 2) counts.push({ count: out[i]!, msBeforeNext: out[i + 1]! });
            call.resolve(counts);
          }
        },
        (error: unknown) => {
          for (const call of batch) call.reject(error);
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
