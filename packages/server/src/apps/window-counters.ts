import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

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
  hit(spec: WindowSpec, key: string, now: number): WindowCount | Promise<WindowCount>;
  peek(spec: WindowSpec, key: string, now: number): WindowCount | undefined | Promise<WindowCount | undefined>;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * One node's counts, in this process, on the platform's clock. rate-limiter-flexible's memory store does the same
 * with a result object, a timer and a promise per call (4.6 µs each, two per CRM call); this is a map lookup.
 */
export class LocalWindowCounters implements WindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private nextSweep = 0;

  hit(spec: WindowSpec, key: string, now: number): WindowCount {
    if (now >= this.nextSweep) this.sweep(now);
    const id = `${spec.name}:${key}`;
    let w = this.windows.get(id);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + spec.durationMs };
      this.windows.set(id, w);
    }
    w.count++;
    return { count: w.count, msBeforeNext: w.endsAt - now };
  }

  peek(spec: WindowSpec, key: string, now: number): WindowCount | undefined {
    const w = this.windows.get(`${spec.name}:${key}`);
    return w && w.endsAt > now ? { count: w.count, msBeforeNext: w.endsAt - now } : undefined;
  }

  /** Ended windows are dropped once a minute, so keys seen once do not accumulate. */
  private sweep(now: number): void {
    for (const [id, w] of this.windows) if (w.endsAt <= now) this.windows.delete(id);
    this.nextSweep = now + SWEEP_EVERY_MS;
  }
}

/** Counts shared by every node through Redis (rate-limiter-flexible's atomic Lua scripts), on Redis' clock. */
export class RedisWindowCounters implements WindowCounters {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private limiter(spec: WindowSpec): RateLimiterRedis {
    const id = `${spec.name}:${spec.points}:${spec.durationMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${this.prefix}:rl:${spec.name}`, points: spec.points, duration: spec.durationMs / 1000 });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  async hit(spec: WindowSpec, key: string): Promise<WindowCount> {
    let res: RateLimiterRes;
    try {
      res = await this.limiter(spec).consume(key);
    } catch (e) {
      // Over the limit, rate-limiter-flexible rejects with the window's state: a count like any other here.
      if (!(e instanceof RateLimiterRes)) throw e;
      res = e;
    }
    return { count: res.consumedPoints, msBeforeNext: res.msBeforeNext };
  }

  async peek(spec: WindowSpec, key: string): Promise<WindowCount | undefined> {
    const res = await this.limiter(spec).get(key);
    return res ? { count: res.consumedPoints, msBeforeNext: res.msBeforeNext } : undefined;
  }
}
