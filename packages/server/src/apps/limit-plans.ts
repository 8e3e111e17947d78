import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import { limitPlan, type LimitPlan } from "./rate-limits";
import type { MaybePromise } from "../util/maybe-async";

/** How long an account's limits are taken as read: a change made in the database applies within this long. */
const LIMITS_CACHE_MS = 5000;

/** Each account's rate-limit plan, read from its row and kept a few seconds, so a cached call checks limits without a promise. */
export class LimitPlans {
  private readonly cache = new Map<number, { plan: LimitPlan; at: number }>();
  private readonly loading = new Map<number, Promise<LimitPlan>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The account's plan; `now` for a caller that has read the clock. */
  of(accountId: number, now = this.clock.now()): MaybePromise<LimitPlan> {
    const hit = this.cache.get(accountId);
    if (hit && now - hit.at < LIMITS_CACHE_MS && now >= hit.at) return hit.plan;
    // Calls that miss together share one read (at an expiry under load, every call during its round trip missed).
    let loading = this.loading.get(accountId);
    if (!loading) {
      const started: Promise<LimitPlan> = this.load(accountId).then((plan) => {
        // Not when `forget` came meanwhile: the change it announced may not be in this read.
        if (this.loading.get(accountId) === started) this.cache.set(accountId, { plan, at: now });
        return plan;
      });
      const done = () => void (this.loading.get(accountId) === started && this.loading.delete(accountId));
      started.then(done, done);
      this.loading.set(accountId, (loading = started));
    }
    return loading;
  }

  private load(accountId: number): Promise<LimitPlan> {
    return this.db
      .selectFrom("accounts")
      .select(["api_limit_ten_secondly", "api_limit_daily", "search_limit_secondly"])
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow()
      .then((row) =>
        limitPlan({
          tenSecondly: row.api_limit_ten_secondly,
          daily: row.api_limit_daily,
          searchSecondly: row.search_limit_secondly,
        }),
      );
  }

  /** Reads the account's limits again at its next call (after they were changed). */
  forget(accountId: number): void {
    this.cache.delete(accountId);
    this.loading.delete(accountId);
  }
}
