// `/api/v1/traces/:traceId` and `/api/v1/private-apps/:appId/traces/:traceId`: every event of a trace as a tree of spans.
import { z } from "zod";
import { logEvent, type LogEvent } from "./log-events";

/** One span of a trace: a card render, a function run or an API call, with the log lines written inside it. */
export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** Milliseconds from the start of the trace. */
  offsetMs: number;
  durationMs: number;
  status: "OK" | "ERROR";
  event: LogEvent | null;
  logs: LogEvent[];
  children: TraceSpan[];
}

// The type is written out because a recursive schema's inferred type would be `any` at `children`.
export const traceSpan: z.ZodType<TraceSpan> = z.object({
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  offsetMs: z.number(),
  durationMs: z.number(),
  status: z.enum(["OK", "ERROR"]),
  event: logEvent.nullable(),
  logs: z.array(logEvent),
  get children() {
    return z.array(traceSpan);
  },
});

export const trace = z.object({
  traceId: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  eventCount: z.number(),
  spans: z.array(traceSpan),
});

export type Trace = z.infer<typeof trace>;
