// `/api/v1/private-apps/:appId/overview?range=`: the Overview tab's counts per time bucket, totals and percentiles.
import { z } from "zod";
import { OVERVIEW_RANGES } from "./log-kinds";

const count = z.number();

export const percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });

export const overviewBucket = z.object({
  start: z.string(),
  apiCalls: z.object({ "2xx": count, "3xx": count, "4xx": count, "5xx": count }),
  /** Runs per outcome (SUCCESS, ERROR, TIMEOUT, …). */
  functionRuns: z.record(z.string(), count),
  renders: z.object({ success: count, failure: count }),
  errors: count,
});

export const overview = z.object({
  range: z.enum(OVERVIEW_RANGES),
  bucketMs: z.number(),
  start: z.string(),
  end: z.string(),
  totals: z.object({
    apiCalls: count,
    apiErrors: count,
    functionRuns: count,
    functionErrors: count,
    renders: count,
    renderFailures: count,
    extensionErrors: count,
  }),
  durations: z.object({ apiCalls: percentiles, functionRuns: percentiles }),
  buckets: z.array(overviewBucket),
  cards: z.array(
    z.object({ cardUid: z.string(), renders: count, renderFailures: count, errors: count, lastRenderAt: z.string().nullable() }),
  ),
});

export type Percentiles = z.infer<typeof percentiles>;
export type OverviewBucket = z.infer<typeof overviewBucket>;
export type Overview = z.infer<typeof overview>;
