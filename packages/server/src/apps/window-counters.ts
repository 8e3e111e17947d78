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

  async hit(spec: WindowSpec, key: WindowKey): Promise<WindowCount> {
    let res: RateLimiterRes;
    try {
      res = await this.limiter(spec).consume(String(key));
    } catch (e) {
      // Over the limit, rate-limiter-flexible rejects with the window's state: a count like any other here.
      if (!(e instanceof RateLimiterRes)) throw e;
      res = e;
    }
    return { count: res.consumedPoints, msBeforeNext: res.msBeforeNext };
  }

  async peek(spec: WindowSpec, key: WindowKey): Promise<WindowCount | undefined> {
    const res = await this.limiter(spec).get(String(key));
    return res ? { count: res.consumedPoints, msBeforeNext: res.msBeforeNext } : undefined;
  }

  async refund(spec: WindowSpec, key: WindowKey): Promise<void> {
    await this.limiter(spec).reward(String(key), 1);
  }
}
