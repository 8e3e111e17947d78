import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ApiError } from "../http/api-error";
import { after, type MaybePromise } from "../util/maybe-async";
import { LocalWindowCounters, RedisWindowCounters, type WindowCount, type WindowCounters, type WindowSpec } from "./window-counters";

export interface AccountLimits {
  tenSecondly: number;
  daily: number;
  searchSecondly: number;
}

export type LimitPolicy = "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY";

const DAY_MS = 24 * 60 * 60 * 1000;

const tenSecondly = (l: AccountLimits): WindowSpec => ({ name: "app10s", points: l.tenSecondly, durationMs: 10_000 });
const daily = (points: number): WindowSpec => ({ name: "daily", points, durationMs: DAY_MS });
const searchSecondly = (l: AccountLimits): WindowSpec => ({ name: "search", points: l.searchSecondly, durationMs: 1000 });
const SIGN_IN: WindowSpec = { name: "signin", points: 10, durationMs: 15 * 60 * 1000 };

/**
 * HubSpot's private-app limits: a 10-second window per app, a daily budget per account shared by its apps, and
 * search at N requests a second per account. Counted in memory on one node, in Redis across nodes.
 */
export class ApiLimits {
  private readonly counters: WindowCounters;

  constructor(redis?: Redis, prefix = "sprocket") {
    this.counters = redis ? new RedisWindowCounters(redis, prefix) : new LocalWindowCounters();
  }

  /** Counts one call; returns the headers to send, or throws the 429 that HubSpot's SDK knows how to handle. */
  consume(kind: "standard" | "search", appId: number, accountId: number, limits: AccountLimits, now: number): MaybePromise<Record<string, string>> {
    if (kind === "search") {
      const spec = searchSecondly(limits);
      return after(this.counters.hit(spec, String(accountId), now), (search) => {
        this.check(spec, search, "SECONDLY", appId, accountId);
        return { "X-HubSpot-RateLimit-Secondly": String(spec.points), "X-HubSpot-RateLimit-Secondly-Remaining": String(spec.points - search.count) };
      });
    }
    const intervalSpec = tenSecondly(limits);
    return after(this.counters.hit(intervalSpec, String(appId), now), (interval) => {
      this.check(intervalSpec, interval, "TEN_SECONDLY_ROLLING", appId, accountId);
      const dailySpec = daily(limits.daily);
      return after(this.counters.hit(dailySpec, dayKey(accountId, now), now), (day) => {
        this.check(dailySpec, day, "DAILY", appId, accountId, msUntilUtcMidnight(now));
        const remaining = limits.tenSecondly - interval.count;
        const secondly = Math.ceil(limits.tenSecondly / 10);
        return {
          "X-HubSpot-RateLimit-Daily": String(limits.daily),
          "X-HubSpot-RateLimit-Daily-Remaining": String(limits.daily - day.count),
          "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
          "X-HubSpot-RateLimit-Max": String(limits.tenSecondly),
          "X-HubSpot-RateLimit-Remaining": String(remaining),
          "X-HubSpot-RateLimit-Secondly": String(secondly),
          "X-HubSpot-RateLimit-Secondly-Remaining": String(Math.min(secondly, remaining)),
        };
      });
    });
  }

  /** Today's count for an account, for the usage endpoint. */
  async dailyUsage(accountId: number, dailyLimit: number, now: number): Promise<number> {
    return (await this.counters.peek(daily(dailyLimit), dayKey(accountId, now), now))?.count ?? 0;
  }

  /**
   * Console sign-in failures per email and address (10 in 15 minutes): the seconds until another
   * attempt is heard, or 0. Unknown emails count like known ones, so a 429 reveals nothing about who has an account.
   */
  async signInRetryAfter(email: string, address: string, now: number): Promise<number> {
    const w = await this.counters.peek(SIGN_IN, `${email}|${address}`, now);
    return w && w.count >= SIGN_IN.points ? Math.max(1, Math.ceil(w.msBeforeNext / 1000)) : 0;
  }

  async signInFailed(email: string, address: string, now: number): Promise<void> {
    await this.counters.hit(SIGN_IN, `${email}|${address}`, now);
  }

  private check(spec: WindowSpec, w: WindowCount, policy: LimitPolicy, appId: number, accountId: number, retryMs = w.msBeforeNext): void {
    if (w.count > spec.points) throw tooManyRequests(policy, retryMs, appId, accountId);
  }
}

const dayKey = (accountId: number, now: number) => `${accountId}:${new Date(now).toISOString().slice(0, 10)}`;

export const msUntilUtcMidnight = (now: number) => DAY_MS - (now % DAY_MS);

/** The 429 bodies are HubSpot's exactly: the SDK retries on `policyName` TEN_SECONDLY_ROLLING and on the secondly message. */
export function tooManyRequests(policy: LimitPolicy, retryMs: number, appId: number, accountId: number): ApiError {
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
  return new RateLimitError(bodies[policy], policy, Math.max(1, Math.ceil(retryMs / 1000)));
}

export class RateLimitError extends ApiError {
  constructor(private readonly raw: Record<string, unknown>, policy: LimitPolicy, retryAfterSec: number) {
    super(429, "RATE_LIMITS", String(raw.message), { headers: { "Retry-After": String(retryAfterSec), "X-Sprocket-RateLimit-Policy": policy } });
  }

  override body(correlationId: string = randomUUID()): Record<string, unknown> {
    return { ...this.raw, correlationId, requestId: randomUUID() };
  }
}
