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
  /** Counts one call for a caller that needs no count: 0 if the window admits it, else the milliseconds until it ends. */
  admit(spec: WindowSpec, key: WindowKey, now: number): number | Promise<number>;
  peek(spec: WindowSpec, key: WindowKey, now: number): WindowCount | undefined | Promise<WindowCount | undefined>;
  /** Gives back one call taken by `hit` in the same window (a reservation that turned out not to count). */
  refund(spec: WindowSpec, key: WindowKey, now: number): void | Promise<void>;
}

/** An app or account id as it is, or a composed key; numbers spare the hot path a string per call. */
export type WindowKey = string | number;

/** One window of a chain, and the key counted in it. */
export type WindowLink = readonly [WindowSpec, WindowKey];

const SWEEP_EVERY_MS = 60_000;

const refusedFor = (spec: WindowSpec, w: WindowCount) => (w.count > spec.points ? Math.max(1, w.msBeforeNext) : 0);

/**
 * One node's counts, in this process, on the platform's clock. rate-limiter-flexible's memory store does the same
 * with a result object, a timer and a promise per call (4.6 µs each, two per CRM call); this is a map lookup.
 */
export class LocalWindowCounters implements WindowCounters {
  /** Per window name, per key. */
  private readonly windows = new Map<string, Map<WindowKey, { count: number; endsAt: number }>>();
  private nextSweep = 0;

  hit(spec: WindowSpec, key: WindowKey, now: number): WindowCount {
    const w = this.take(spec, key, now);
    return { count: w.count, msBeforeNext: w.endsAt - now };
  }

  /**
   * Counts one call and answers with the key's window itself, read at once (the next call changes it): the CRM gate's
   * two windows a call, without a count object each (issue #24).
   */
  take(spec: WindowSpec, key: WindowKey, now: number): { readonly count: number; readonly endsAt: number } {
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
    return w;
  }

  admit(spec: WindowSpec, key: WindowKey, now: number): number {
    return refusedFor(spec, this.hit(spec, key, now));
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
 * holds, per entry, how many calls it counts (the calls of one turn with the same chain share an entry), its number of
 * links, how many calls it asks to lease (below; an entry that leases counts one call), and then each link's key (an
 * index into KEYS), window in seconds and points. The entry's calls take a window together with one increment, in
 * turn: those that take it over its points stop there, the others go on to the next link, exactly as if each had
 * gone alone. The answer holds, per entry, how many windows it reached, how many calls it leased, and then each reached
 * window's count after the entry, milliseconds left and how many of the entry's calls it counted. Its keys stay
 * readable by the library's `get` and `reward`.
 *
 * A lease is taken from the call's last window once every window admitted the call, and never more than a sixteenth
 * of what that window has left: leases shrink as the limit nears, and in its last sixteen calls each call is counted
 * alone, in the order it reached Redis.
 */
const INCR_CHAINS = `local out = {}
local a = 1
while a <= #ARGV do
  local going = tonumber(ARGV[a])
  local n = tonumber(ARGV[a + 1])
  local want = tonumber(ARGV[a + 2])
  local first = a + 3
  a = first + 3 * n
  local reached = {}
  local key, count, points
  for j = 0, n - 1 do
    key = KEYS[tonumber(ARGV[first + 3 * j])]
    local seconds = ARGV[first + 3 * j + 1]
    points = tonumber(ARGV[first + 3 * j + 2])
    redis.call('set', key, 0, 'EX', seconds, 'NX')
    count = redis.call('incrby', key, going)
    local ttl = redis.call('pttl', key)
    if ttl == -1 then
      redis.call('expire', key, seconds)
      ttl = 1000 * seconds
    end
    reached[#reached + 1] = count
    reached[#reached + 1] = ttl
    reached[#reached + 1] = going
    going = math.max(0, math.min(going, points - (count - going)))
    if going == 0 then break end
  end
  local leased = 0
  if want > 0 and going > 0 then
    leased = math.min(want, math.floor((points - count) / 16))
    if leased > 0 then redis.call('incrby', key, leased) end
  end
  out[#out + 1] = #reached / 3
  out[#out + 1] = leased
  for _, v in ipairs(reached) do out[#out + 1] = v end
end
return out`;

/**
 * Calls of a window this node took from Redis before they came, spent here without a round trip until `until` (the
 * window's end on this node's monotonic clock, or earlier). `asking` while a request for more is on its way.
 */
interface Lease {
  units: number;
  until: number;
  asking: boolean;
}

/** The most calls a node leases at once, and the share of a window's points it may hold (see `admit`). */
const LEASE_MAX = 32;
const LEASE_SHARE = 1000;

/** One call of a turn's batch: its chain, the lease it asks to fill (with `want` calls), and who waits for the counts. */
interface BatchedCall {
  links: readonly WindowLink[];
  lease: Lease | undefined;
  want: number;
  resolve: (counts: WindowCount[]) => void;
  reject: (e: unknown) => void;
}

/** Counts shared by every node through Redis (atomic Lua scripts: our batched increment, the library's peek and refund), on Redis' clock. */
export class RedisWindowCounters implements WindowCounters {
  private readonly limiters = new Map<string, RateLimiterRedis>();
  /** This turn's calls, in order. */
  private batch: BatchedCall[] | undefined;
  /**
   * Per window name, per key. Only `admit`'s windows lease, and their keys are accounts, so entries are not swept:
   * there are as many as accounts whose endpoints were called since the node started.
   */
  private readonly leases = new Map<string, Map<WindowKey, Lease>>();

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
   * The calls of one turn of the event loop go to Redis together, as one script call that counts each as if it had
   * gone alone: chain by chain, in the order each chain first came, a chain's calls in the order they came (a turn's
   * calls were all under way at once, so any order of them is one they could have come in). On PostgreSQL + Redis, a
   * CRM call's two windows were two round trips through rate-limiter-flexible (a promise chain and a result object
   * each), most of the Redis work per request (issue #24); now a turn's calls share one, and a chain's calls one
   * increment per window. The counts stay exact across nodes: the script is atomic.
   */
  hitChain(links: readonly WindowLink[]): Promise<WindowCount[]> {
    return this.send(links, undefined, 0);
  }

  /**
   * Admits one call or not, for a window whose callers need no count (no remaining-calls header): 0, or the
   * milliseconds until the window ends. A node leases up to 32 calls of the window at a time (never more than a
   * thousandth of its points, nor a sixteenth of what is left of it) and admits them here without a round trip; when
   * its lease is spent, the next call goes to Redis and asks for another. So nothing is admitted past the window's
   * points, whichever nodes the calls reach; what a lease costs is the other way: a node holding unspent calls while
   * the others are refused. That lasts until those calls come, or until the window ends, and is at most a thousandth
   * of the points per node; under a thousand points a window is counted call by call (issue #24: the endpoint
   * limit's script call was the one Redis round trip left per function call, about 50 µs of request-thread CPU).
   */
  admit(spec: WindowSpec, key: WindowKey): number | Promise<number> {
    const block = Math.min(LEASE_MAX, Math.floor(spec.points / LEASE_SHARE));
    let lease: Lease | undefined;
    if (block > 0) {
      let named = this.leases.get(spec.name);
      if (!named) this.leases.set(spec.name, (named = new Map()));
      lease = named.get(key);
      if (!lease) named.set(key, (lease = { units: 0, until: 0, asking: false }));
      if (lease.units > 0 && performance.now() < lease.until) {
        lease.units--;
        return 0;
      }
      // Whatever is left of an ended window's lease was counted in that window and ends with it.
      lease.units = 0;
      if (lease.asking) lease = undefined;
      else lease.asking = true;
    }
    return this.send([[spec, key]], lease, lease ? block : 0).then(([w]) => refusedFor(spec, w!));
  }

  private send(links: readonly WindowLink[], lease: Lease | undefined, want: number): Promise<WindowCount[]> {
    if (!this.batch) {
      this.batch = [];
      setImmediate(this.flush);
    }
    const batch = this.batch;
    return new Promise((resolve, reject) => batch.push({ links, lease, want, resolve, reject }));
  }

  private readonly flush = () => {
    const batch = this.batch!;
    this.batch = undefined;
    // A turn's calls of one chain (a CRM call's app and day windows, say) are one entry: the script's work and the
    // arguments grow with the chains of a turn, not its calls. A call that leases is an entry of its own.
    const entries: Array<{ calls: BatchedCall[]; links: readonly WindowLink[]; want: number }> = [];
    const chains = new Map<string, (typeof entries)[number]>();
    for (const call of batch) {
      if (call.lease) {
        entries.push({ calls: [call], links: call.links, want: call.want });
        continue;
      }
      let chain = "";
      for (const [spec, key] of call.links) chain += `${spec.name}:${key}:${spec.points}:${spec.durationMs}|`;
      const entry = chains.get(chain);
      if (entry) entry.calls.push(call);
      else {
        const fresh = { calls: [call], links: call.links, want: 0 };
        chains.set(chain, fresh);
        entries.push(fresh);
      }
    }
    const keys = new Map<string, number>();
    const args: Array<string | number> = [];
    for (const { calls, links, want } of entries) {
      args.push(calls.length, links.length, want);
      for (const [spec, key] of links) {
        const redisKey = `${this.prefix}:rl:${spec.name}:${key}`;
        let index = keys.get(redisKey);
        if (index === undefined) keys.set(redisKey, (index = keys.size + 1));
        args.push(index, Math.floor(spec.durationMs / 1000), spec.points);
      }
    }
    // A lease lasts until the window's end as Redis gives it, counted from before the script ran: never later.
    const sentAt = performance.now();
    (this.redis as Redis & { sprocketIncrChains(...args: Array<string | number>): Promise<number[]> })
      .sprocketIncrChains(keys.size, ...keys.keys(), ...args)
      .then(
        (out) => {
          let i = 0;
          for (const { calls } of entries) {
            const reached = out[i++]!;
            const leased = out[i++]!;
            const windows = i;
            i += 3 * reached;
            // The entry's calls took each window in order: the c-th of the `going` calls it counted saw its count
            // minus going, plus c + 1; a call went on to the next window only if it was among those counted there.
            calls.forEach((call, c) => {
              const counts: WindowCount[] = [];
              for (let w = windows; w < i && c < out[w + 2]!; w += 3)
                counts.push({ count: out[w]! - out[w + 2]! + c + 1, msBeforeNext: out[w + 1]! });
              if (call.lease) {
                call.lease.asking = false;
                call.lease.units = leased;
                call.lease.until = sentAt + counts[counts.length - 1]!.msBeforeNext;
              }
              call.resolve(counts);
            });
          }
        },
        (error: unknown) => {
          for (const call of batch) {
            if (call.lease) call.lease.asking = false;
            call.reject(error);
          }
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
