import { describe, expect, it } from "vitest";
import { ApiLimits, limitPlan, type LimitPlan } from "../src/apps/rate-limits";

/** The seven lines' counts as text (apps/rate-limits.ts builds them from tables, not String or toFixed). */
describe("rate-limit header counts", () => {
  const headersOf = (limits: ApiLimits, plan: LimitPlan, now: number) => {
    const lines = new Map<string, string>();
    void limits.consume("standard", 1, 1, plan, now, { header: (name, value) => lines.set(name, value) });
    return lines;
  };

  it("writes every count with its zeros, under a thousand and over it", () => {
    const limits = new ApiLimits();
    const plan = limitPlan({ tenSecondly: 1008, daily: 1_000_002_008, searchSecondly: 5 });
    const now = Date.UTC(2026, 11, 7, 12);
    const first = headersOf(limits, plan, now);
    expect(first.get("x-hubspot-ratelimit-remaining")).toBe("1007");
    expect(first.get("x-hubspot-ratelimit-daily-remaining")).toBe("1000002007");
    expect(first.get("x-hubspot-ratelimit-secondly-remaining")).toBe("101");
    for (let i = 0; i < 7; i++) headersOf(limits, plan, now);
    const ninth = headersOf(limits, plan, now);
    expect(ninth.get("x-hubspot-ratelimit-remaining")).toBe("999");
    expect(ninth.get("x-hubspot-ratelimit-daily-remaining")).toBe("1000001999");
    // Every count from 999 down to 0 as String writes it.
    for (let left = 998; left >= 0; left--) expect(headersOf(limits, plan, now).get("x-hubspot-ratelimit-remaining")).toBe(String(left));
  });
});
