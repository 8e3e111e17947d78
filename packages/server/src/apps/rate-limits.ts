import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ApiError } from "../http/api-error";

export interface AccountLimits {
  tenSecondly: number;
  daily: number;
  searchSecondly: number;
}

export type LimitPolicy = "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * HubSpot's private-app limits: a 10-second window per app, a daily budget per account shared by its apps, and
 * search at N requests a second per account. Counted in memory on one node, in Redis across nodes.
 */
export class ApiLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly redis?: Redis,
    private readonly prefix = "sprocket",
  ) {}

  private limiter(prefix: string, points: number, durationSec: number): RateLimiterAbstract {
    const key = `${prefix}:${points}:${durationSec}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      const opts = { keyPrefix: `${this.prefix}:rl:${prefix}`, points, duration: durationSec };
      limiter = this.redis ? new RateLimiterRedis({ ...opts, storeClient: this.redis }) : new RateLimiterMemory(opts);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /** Counts one call; returns the headers to send, or throws the 429 that HubSpot's SDK knows how to handle. */
  async consume(kind: "standard" | "search", appId: number, accountId: number, limits: AccountLimits, now = Date.now()): Promise<Record<string, string>> {
    if (kind === "search") {
      const search = await this.take(this.limiter("search", limits.searchSecondly, 1), String(accountId), "SECONDLY", appId, accountId);
      return { "X-HubSpot-RateLimit-Secondly": String(limits.searchSecondly), "X-HubSpot-RateLimit-Secondly-Remaining": String(search.remainingPoints) };
    }
    const interval = await this.take(this.limiter("app10s", limits.tenSecondly, 10), String(appId), "TEN_SECONDLY_ROLLING", appId, accountId);
    const day = new Date(now).toISOString().slice(0, 10);
    const daily = await this.take(this.limiter("daily", limits.daily, DAY_MS / 1000), `${accountId}:${day}`, "DAILY", appId, accountId, msUntilUtcMidnight(now));
    const secondly = Math.ceil(limits.tenSecondly / 10);
    return {
      "X-HubSpot-RateLimit-Daily": String(limits.daily),
      "X-HubSpot-RateLimit-Daily-Remaining": String(daily.remainingPoints),
      "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
      "X-HubSpot-RateLimit-Max": String(limits.tenSecondly),
      "X-HubSpot-RateLimit-Remaining": String(interval.remainingPoints),
      "X-HubSpot-RateLimit-Secondly": String(secondly),
      "X-HubSpot-RateLimit-Secondly-Remaining": String(Math.min(secondly, interval.remainingPoints)),
    };
  }

  /** Today's count for an account, for the usage endpoint. */
  async dailyUsage(accountId: number, daily: number, now = Date.now()): Promise<number> {
    const res = await this.limiter("daily", daily, DAY_MS / 1000).get(`${accountId}:${new Date(now).toISOString().slice(0, 10)}`);
    return res?.consumedPoints ?? 0;
  }

  /**
   * Console sign-in failures per email and address (SIGN_IN_LIMIT in SIGN_IN_WINDOW_SEC): the seconds until another
   * attempt is heard, or 0. Unknown emails count like known ones, so a 429 reveals nothing about who has an account.
   */
  async signInRetryAfter(email: string, address: string): Promise<number> {
    const res = await this.limiter("signin", SIGN_IN_LIMIT, SIGN_IN_WINDOW_SEC).get(`${email}|${address}`);
    return res && res.consumedPoints >= SIGN_IN_LIMIT ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  async signInFailed(email: string, address: string): Promise<void> {
    await this.limiter("signin", SIGN_IN_LIMIT, SIGN_IN_WINDOW_SEC).penalty(`${email}|${address}`);
  }

  private async take(limiter: RateLimiterAbstract, key: string, policy: LimitPolicy, appId: number, accountId: number, retryMs?: number): Promise<RateLimiterRes> {
    try {
      return await limiter.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw tooManyRequests(policy, retryMs ?? e.msBeforeNext, appId, accountId);
    }
  }
}

export const SIGN_IN_LIMIT = 10;
export const SIGN_IN_WINDOW_SEC = 15 * 60;

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
