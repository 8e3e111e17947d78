import { sql, type Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Overview, OverviewBucket, OverviewRange } from "@sprocket/contract";
import { invalid } from "../errors/domain-error";
import { accountsOf, type Scope } from "./app-log-scope";

const RANGES = {
  "1h": { windowMs: 3_600_000, bucketMs: 300_000 },
  "1d": { windowMs: 86_400_000, bucketMs: 3_600_000 },
  "1w": { windowMs: 604_800_000, bucketMs: 21_600_000 },
} as const satisfies Record<OverviewRange, { windowMs: number; bucketMs: number }>;

/** Percentiles come from the newest rows of the range, at most this many: exact for most apps, a sample for the busiest. */
const PERCENTILE_SAMPLE = 50_000;

export function parseRange(value: unknown): OverviewRange {
  const range = value ?? "1d";
  if (typeof range === "string" && range in RANGES) return range as OverviewRange;
  throw invalid(`range must be one of 1h, 1d, 1w; got ${JSON.stringify(range)}.`, [{ message: "range: not a range", in: "range" }]);
}

function percentiles(values: number[]): { p50: number | null; p95: number | null } {
  if (values.length === 0) return { p50: null, p95: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/** The Overview tab: counts per time bucket for charts, totals, p50/p95 durations and per-card counts over the range. */
export async function appOverview(
  db: Kysely<Database>,
  scope: Scope & { appId: number },
  range: OverviewRange,
  now: number,
): Promise<Overview> {
  // Security events are not charted, so an OAuth app's overview counts every account it was installed in.
  const accounts = accountsOf(scope, "api-calls");
  const { windowMs, bucketMs } = RANGES[range];
  // Buckets line up with multiples of their size, so charts drawn a minute apart show the same buckets.
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const start = end - windowMs;
  // Cast: SQLite binds JS numbers as REAL, which would make the division fractional.
  const bucket = sql<number>`cast((created_at - ${start}) / ${bucketMs} as integer)`;
  const callsInRange = () =>
    db
      .selectFrom("api_calls")
      .where("account_id", "in", accounts)
      .where("app_id", "=", scope.appId)
      .where("created_at", ">=", start)
      .where("created_at", "<", end);

  const [calls, runs, renders, callDurations, runDurations, cards] = await Promise.all([
    callsInRange()
      .select([bucket.as("b"), sql<number>`cast(status / 100 as integer)`.as("cls"), sql<number>`count(*)`.as("n")])
      .groupBy([sql`1`, sql`2`])
      .execute(),
    db
      .selectFrom("function_runs")
      .where("account_id", "in", accounts)
      .where("app_id", "=", scope.appId)
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .select([bucket.as("b"), "outcome", sql<number>`count(*)`.as("n")])
      .groupBy([sql`1`, "outcome"])
      .execute(),
    db
      .selectFrom("extension_events")
      .where("account_id", "in", accounts)
      .where("app_id", "=", scope.appId)
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .where((eb) => eb.or([eb("kind", "<>", "LOG"), eb("level", "=", "ERROR")]))
      .select([bucket.as("b"), "kind", sql<number>`count(*)`.as("n")])
      .groupBy([sql`1`, "kind"])
      .execute(),
    callsInRange().select("duration_ms").orderBy("created_at", "desc").limit(PERCENTILE_SAMPLE).execute(),
    db
      .selectFrom("function_runs")
      .where("account_id", "in", accounts)
      .where("app_id", "=", scope.appId)
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .select("duration_ms")
      .orderBy("created_at", "desc")
      .limit(PERCENTILE_SAMPLE)
      .execute(),
    // Per card, for the Extensions tab: renders, failed renders, logger.error lines and the latest render.
    db
      .selectFrom("extension_events")
      .where("account_id", "in", accounts)
      .where("app_id", "=", scope.appId)
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .select([
        "card_uid",
        sql<number>`sum(case when kind <> 'LOG' then 1 else 0 end)`.as("renders"),
        sql<number>`sum(case when kind = 'RENDER_FAILURE' then 1 else 0 end)`.as("failures"),
        sql<number>`sum(case when kind = 'LOG' and level = 'ERROR' then 1 else 0 end)`.as("errors"),
        sql<number | null>`max(case when kind <> 'LOG' then created_at end)`.as("last_render"),
      ])
      .groupBy("card_uid")
      .orderBy("card_uid")
      .execute(),
  ]);

  const buckets: OverviewBucket[] = Array.from({ length: windowMs / bucketMs }, (_, i) => ({
    start: new Date(start + i * bucketMs).toISOString(),
    apiCalls: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    functionRuns: {},
    renders: { success: 0, failure: 0 },
    errors: 0,
  }));
  const totals = { apiCalls: 0, apiErrors: 0, functionRuns: 0, functionErrors: 0, renders: 0, renderFailures: 0, extensionErrors: 0 };
  for (const r of calls) {
    const b = buckets[Number(r.b)];
    const n = Number(r.n);
    const cls = `${Number(r.cls)}xx` as keyof OverviewBucket["apiCalls"];
    if (!b || !(cls in b.apiCalls)) continue;
    b.apiCalls[cls] += n;
    totals.apiCalls += n;
    if (Number(r.cls) >= 4) {
      b.errors += n;
      totals.apiErrors += n;
    }
  }
  for (const r of runs) {
    const b = buckets[Number(r.b)];
    const n = Number(r.n);
    if (!b) continue;
    b.functionRuns[r.outcome] = (b.functionRuns[r.outcome] ?? 0) + n;
    totals.functionRuns += n;
    if (r.outcome !== "SUCCESS") {
      b.errors += n;
      totals.functionErrors += n;
    }
  }
  for (const r of renders) {
    const b = buckets[Number(r.b)];
    const n = Number(r.n);
    if (!b) continue;
    if (r.kind === "RENDER_SUCCESS") {
      b.renders.success += n;
      totals.renders += n;
    } else if (r.kind === "RENDER_FAILURE") {
      b.renders.failure += n;
      b.errors += n;
      totals.renders += n;
      totals.renderFailures += n;
    } else {
      b.errors += n;
      totals.extensionErrors += n;
    }
  }
  return {
    range,
    bucketMs,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    totals,
    durations: {
      apiCalls: percentiles(callDurations.map((r) => r.duration_ms)),
      functionRuns: percentiles(runDurations.map((r) => r.duration_ms)),
    },
    buckets,
    cards: cards.map((c) => ({
      cardUid: c.card_uid,
      renders: Number(c.renders),
      renderFailures: Number(c.failures),
      errors: Number(c.errors),
      lastRenderAt: c.last_render === null ? null : new Date(Number(c.last_render)).toISOString(),
    })),
  };
}
