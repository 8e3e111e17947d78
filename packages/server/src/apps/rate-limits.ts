import type { Redis } from "ioredis";
import { DomainError } from "../errors/domain-error";
import { after, type MaybePromise } from "../util/maybe-async";
import { LocalWindowCounters, RedisWindowCounters, type WindowCount, type WindowSpec } from "./window-counters";

export interface AccountLimits {
  tenSecondly: number;
  daily: number;
  searchSecondly: number;
}

export type LimitPolicy = "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY";

/** Where the rate-limit headers go: a Fastify reply. */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** "0" to "999", and the same as three digits ("007"): the texts of counts, made once. */
const UNDER_1000 = Array.from({ length: 1000 }, (_, i) => String(i));
const THREE_DIGITS = UNDER_1000.map((text) => text.padStart(3, "0"));

/**
 * A count as header text. Not String(n): V8 keeps each number it turns into a string in a heap-wide cache, so every
 * call's new count (the day's remaining calls differ on every call) outlived the next scavenge and was promoted: in
 * bench/auth a scavenge took 1.4-2.5 times as long as on the same server sending constant lines, 0.25-0.3 µs per CRM
 * call (issue #24). Nor toFixed(0), which avoids that cache but formats through a C++ buffer it mallocs, measures and
 * frees: the gate's two counts took about 150 ns a call that way (330 instructions under callgrind), 35 ns this way,
 * 33 with String(n). Here a count under 1000 is a table read, and a larger one the String() of its thousands, which
 * changes once in a thousand calls, joined to a table read. `n` is what a window has left after the call it admitted:
 * a whole number, never negative.
 */
const countText = (n: number): string => (n < 1000 ? UNDER_1000[n]! : String(Math.floor(n / 1000)) + THREE_DIGITS[n % 1000]!);

/** An account's limits as the gate uses them: the windows and the headers that never change, worked out once. */
export interface LimitPlan {
  interval: WindowSpec;
  daily: WindowSpec;
  search: WindowSpec;
  secondly: number;
  fixedHeaders: { daily: string; max: string; secondly: string; search: string };
}

const daily = (points: number): WindowSpec => ({ name: "daily", points, durationMs: DAY_MS });
const SIGN_IN: WindowSpec = { name: "signin", points: 10, durationMs: 15 * 60 * 1000 };
/**
 * The console's CRM calls, per signed-in user (F12): HubSpot's 100 per 10 seconds, and search at 10 a second. More
 * than a person clicking through records needs, less than a script looping over the API with a session cookie.
 */
const USER_INTERVAL: WindowSpec = { name: "user10s", points: 100, durationMs: 10_000 };
const USER_SEARCH: WindowSpec = { name: "usersearch", points: 10, durationMs: 1000 };
/** Failed sign-ins from one address across all emails: password spraying meets this one. */
const SIGN_IN_ADDRESS: WindowSpec = { name: "signin-ip", points: 50, durationMs: 15 * 60 * 1000 };

export function limitPlan(l: AccountLimits): LimitPlan {
  const secondly = Math.ceil(l.tenSecondly / 10);
  return {
    interval: { name: "app10s", points: l.tenSecondly, durationMs: 10_000 },
    daily: daily(l.daily),
    search: { name: "search", points: l.searchSecondly, durationMs: 1000 },
    secondly,
    fixedHeaders: { daily: String(l.daily), max: String(l.tenSecondly), secondly: String(secondly), search: String(l.searchSecondly) },
  };
}

/**
 * HubSpot's private-app limits: a 10-second window per app, a daily budget per account shared by its apps, and
 * search at N requests a second per account. Counted in memory on one node, in Redis across nodes.
 */
export class ApiLimits {
  private readonly counters: LocalWindowCounters | RedisWindowCounters;
  /** `counters` by kind, so the CRM gate picks its path without `instanceof`, a builtin call on every call (issue #24). */
  private readonly local: LocalWindowCounters | undefined;
  private readonly shared: RedisWindowCounters | undefined;
  /** The UTC date, worked out once a day rather than on every call, and each account's key for it. */
  private today = { from: 0, to: 0, date: "", keys: new Map<number, string>() };

  constructor(redis?: Redis, prefix = "sprocket") {
    this.local = redis ? undefined : new LocalWindowCounters();
    this.shared = redis ? new RedisWindowCounters(redis, prefix) : undefined;
    this.counters = this.local ?? this.shared!;
  }

  /**
   * Counts one call and writes its headers to `out`, or throws the 429 that HubSpot's SDK knows how to handle. The
   * headers go straight to the reply, one call each, with the fixed values worked out once per plan: an object of
   * seven headers copied into the reply key by key cost about a microsecond more per CRM call.
   */
  consume(
    kind: "standard" | "search",
    appId: number,
    accountId: number,
    plan: LimitPlan,
    now: number,
    out: HeaderSink,
  ): MaybePromise<void> {
    const fixed = plan.fixedHeaders;
    if (kind === "search") {
      return after(this.counters.hit(plan.search, accountId, now), (search) => {
        this.check(plan.search, search, "SECONDLY", appId, accountId);
        out.header("x-hubspot-ratelimit-secondly", fixed.search);
        out.header("x-hubspot-ratelimit-secondly-remaining", countText(plan.search.points - search.count));
      });
    }
    const dayKey = this.dayKey(accountId, now);
    // In memory the two windows are counted one after the other, without the chain's arrays: the embedded gate is on
    // every CRM call's budget (bench/auth). Through Redis they are one chain, one round trip.
    const local = this.local;
    if (local) {
      // The windows' own counts, read before anything else counts: no count object per window.
      const interval = local.take(plan.interval, appId, now);
      const intervalCount = interval.count;
      if (intervalCount > plan.interval.points) throw tooManyRequests("TEN_SECONDLY_ROLLING", interval.endsAt - now, appId, accountId);
      return this.standardHeaders(plan, appId, accountId, intervalCount, local.take(plan.daily, dayKey, now).count, now, out);
    }
    const links = [
      [plan.interval, appId],
      [plan.daily, dayKey],
    ] as const;
    return this.shared!.hitChain(links).then(([interval, day]) => {
      this.check(plan.interval, interval!, "TEN_SECONDLY_ROLLING", appId, accountId);
      return this.standardHeaders(plan, appId, accountId, interval!.count, day!.count, now, out);
    });
  }

  /** Checks the day's count and writes HubSpot's seven rate-limit headers for a call its 10-second window admitted. */
  private standardHeaders(
    plan: LimitPlan,
    appId: number,
    accountId: number,
    intervalCount: number,
    dayCount: number,
    now: number,
    out: HeaderSink,
  ): void {
    if (dayCount > plan.daily.points) throw tooManyRequests("DAILY", msUntilUtcMidnight(now), appId, accountId);
    const fixed = plan.fixedHeaders;
    const remaining = plan.interval.points - intervalCount;
    const remainingText = countText(remaining);
    out.header("x-hubspot-ratelimit-daily", fixed.daily);
    out.header("x-hubspot-ratelimit-daily-remaining", countText(plan.daily.points - dayCount));
    out.header("x-hubspot-ratelimit-interval-milliseconds", "10000");
    out.header("x-hubspot-ratelimit-max", fixed.max);
    out.header("x-hubspot-ratelimit-remaining", remainingText);
    out.header("x-hubspot-ratelimit-secondly", fixed.secondly);
    out.header("x-hubspot-ratelimit-secondly-remaining", remaining < plan.secondly ? remainingText : fixed.secondly);
  }

  /** Counts one CRM call made with a console session; throws HubSpot's 429 over the user's limit. */
  consumeUser(kind: "standard" | "search", userId: number, now: number): MaybePromise<void> {
    const spec = kind === "search" ? USER_SEARCH : USER_INTERVAL;
    return after(this.counters.hit(spec, userId, now), (w) => {
      if (w.count > spec.points) throw userTooManyRequests(kind, w.msBeforeNext, userId);
    });
  }

  /** Today's count for an account, for the usage endpoint. */
  async dailyUsage(accountId: number, dailyLimit: number, now: number): Promise<number> {
    return (await this.counters.peek(daily(dailyLimit), this.dayKey(accountId, now), now))?.count ?? 0;
  }

  /**
   * Takes one console sign-in attempt before the password is checked: 10 per email and address and 50 per address
   * in 15 minutes. The count goes up first, atomically (a map on one node, a Lua script in Redis), so parallel
   * guesses cannot all pass a check made before any of them is counted; over the limit it throws the 429 before any
   * password hashing. Returns the refund for a sign-in that succeeds, so only failures use the budget.
   * Unknown emails count like known ones, so a 429 reveals nothing about who has an account.
   */
  async reserveSignIn(email: string, address: string, now: number): Promise<() => Promise<void>> {
    const perEmail = `${email}|${address}`;
    const emailWindow = await this.counters.hit(SIGN_IN, perEmail, now);
    // A refused attempt gives its count back: the windows hold admitted attempts only, so a refund after a burst
    // really frees a slot.
    if (emailWindow.count > SIGN_IN.points) {
      await this.counters.refund(SIGN_IN, perEmail, now);
      throw signInThrottled("for this email from this address", emailWindow);
    }
    const addressWindow = await this.counters.hit(SIGN_IN_ADDRESS, address, now);
    if (addressWindow.count > SIGN_IN_ADDRESS.points) {
      await this.counters.refund(SIGN_IN_ADDRESS, address, now);
      await this.counters.refund(SIGN_IN, perEmail, now);
      throw signInThrottled("from this address", addressWindow);
    }
    return async () => {
      await this.counters.refund(SIGN_IN, perEmail, now);
      await this.counters.refund(SIGN_IN_ADDRESS, address, now);
    };
  }

  /**
   * One anonymous call to an account's public endpoints (all of them together, per minute): the seconds until
   * another is heard, or 0. Counted before the function runs, so a burst of slow calls cannot all start.
   */
  endpointRetryAfter(accountId: number, perMinute: number, now: number): MaybePromise<number> {
    const spec: WindowSpec = { name: "endpoint", points: perMinute, durationMs: 60_000 };
    return after(this.counters.admit(spec, accountId, now), (ms) => Math.ceil(ms / 1000));
  }

  private dayKey(accountId: number, now: number): string {
    if (now < this.today.from || now >= this.today.to) {
      const from = now - (now % DAY_MS);
      this.today = { from, to: from + DAY_MS, date: new Date(from).toISOString().slice(0, 10), keys: new Map() };
    }
    // A key built anew on every call is a new string to allocate and hash for the window's map.
    let key = this.today.keys.get(accountId);
    if (key === undefined) {
      key = `${accountId}:${this.today.date}`;
      this.today.keys.set(accountId, key);
    }
    return key;
  }

  private check(spec: WindowSpec, w: WindowCount, policy: LimitPolicy, appId: number, accountId: number, retryMs = w.msBeforeNext): void {
    if (w.count > spec.points) throw tooManyRequests(policy, retryMs, appId, accountId);
  }
}

function signInThrottled(scope: string, w: WindowCount): DomainError {
  const seconds = Math.max(1, Math.ceil(w.msBeforeNext / 1000));
  return new DomainError("limit", `Too many failed sign-ins ${scope}. Try again in ${Math.ceil(seconds / 60)} minutes.`, {
    retry: { afterSeconds: seconds },
  });
}

export const msUntilUtcMidnight = (now: number) => DAY_MS - (now % DAY_MS);

/** The 429 bodies are HubSpot's exactly: the SDK retries on `policyName` TEN_SECONDLY_ROLLING and on the secondly message. */
export function tooManyRequests(policy: LimitPolicy, retryMs: number, appId: number, accountId: number): DomainError {
  const bodies: Record<LimitPolicy, Record<string, unknown>> = {
    TEN_SECONDLY_ROLLING: {
      status: "error",
      message: "You have reached your ten_secondly_rolling limit.",
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
      groupName: `publicapi:private_app-api-calls-ten-secondly:${appId}:${accountId}`,
    },
    DAILY: { status: "error", message: "You have reached your daily limit.", errorType: "RATE_LIMIT", policyName: "DAILY" },
    SECONDLY: { status: "error", message: "You have reached your secondly limit.", errorType: "RATE_LIMIT" },
  };
  return rateLimited(bodies[policy], policy, retryMs);
}

/** The same bodies as an app's, grouped by the console user instead of an app (HubSpot's SDK retries on them alike). */
function userTooManyRequests(kind: "standard" | "search", retryMs: number, userId: number): DomainError {
  const [policy, body]: [LimitPolicy, Record<string, unknown>] =
    kind === "search"
      ? ["SECONDLY", { status: "error", message: "You have reached your secondly limit.", errorType: "RATE_LIMIT" }]
      : [
          "TEN_SECONDLY_ROLLING",
          {
            status: "error",
            message: "You have reached your ten_secondly_rolling limit.",
            errorType: "RATE_LIMIT",
            policyName: "TEN_SECONDLY_ROLLING",
            groupName: `console-user-api-calls-ten-secondly:${userId}`,
          },
        ];
  return rateLimited(body, policy, retryMs);
}

function rateLimited(body: Record<string, unknown>, policy: LimitPolicy, retryMs: number): DomainError {
  return new DomainError("limit", String(body.message), {
    hubspotBody: body,
    retry: { afterSeconds: Math.max(1, Math.ceil(retryMs / 1000)), policy },
  });
}
