import type { Outcome, LogEntry as FunctionLogLine } from "@sprocket/runtime";
import type { Platform } from "../platform";
import { newSpanId, newTraceId } from "./trace-context";
import { redactText, redactValue, truncate } from "./redact";

/** Stored per run: HubSpot keeps 4 KB; we keep more, but not without bound. */
const LOGS_LIMIT = 64 * 1024;
const ERROR_LIMIT = 16 * 1024;

export interface FunctionRun {
  accountId: number;
  appId: number;
  buildId: number;
  functionName: string;
  outcome: Outcome;
  durationMs: number;
  peakRssBytes?: number | null;
  logs: readonly FunctionLogLine[];
  error?: { type: string; message: string; stack?: string } | null;
  /** The caller's trace (from the card's `traceparent`); a new trace when absent. */
  traceId?: string;
  /** This run's span; the function's own API calls name it as their parent. */
  spanId?: string;
  parentSpanId?: string | null;
  /** Who ran it: the signed-in user behind the card, or the CLI. */
  invoker: { userId: number | null; label: string };
  /** The function's secret values: scrubbed from its logs and error wherever they appear. */
  secretValues?: readonly string[];
  /** When it started; defaults to now minus its duration. */
  startedAt?: number;
}

/** What the functions domain calls after every invocation; returns the trace ids it stored under. */
export function recordFunctionRun(p: Platform, run: FunctionRun): { traceId: string; spanId: string } {
  const traceId = run.traceId ?? newTraceId();
  const spanId = run.spanId ?? newSpanId();
  const secrets = run.secretValues ?? [];
  const lines = redactValue(
    run.logs.map((l) => ({ level: l.level, message: l.message, ts: l.ts })),
    secrets,
  );
  const clip = (text: string | undefined) => (text === undefined ? null : truncate(redactText(text, secrets), ERROR_LIMIT));
  p.logs.sink.add("function_runs", {
    account_id: run.accountId,
    app_id: run.appId,
    build_id: run.buildId,
    function_name: run.functionName,
    outcome: run.outcome,
    duration_ms: run.durationMs,
    peak_rss_bytes: run.peakRssBytes ?? null,
    logs: truncateLines(lines as FunctionLogLine[]),
    error_type: run.error?.type ?? null,
    error_message: clip(run.error?.message),
    error_stack: clip(run.error?.stack),
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: run.parentSpanId ?? null,
    invoker_user_id: run.invoker.userId,
    invoker_label: run.invoker.label,
    created_at: Math.round(run.startedAt ?? p.clock.now() - run.durationMs),
  });
  return { traceId, spanId };
}

/** Keeps whole lines up to the limit and says how many were left out. */
function truncateLines(lines: FunctionLogLine[]): string {
  let size = 2;
  const kept: FunctionLogLine[] = [];
  for (const line of lines) {
    size += JSON.stringify(line).length + 1;
    if (size > LOGS_LIMIT) {
      kept.push({ level: "warn", message: `[${lines.length - kept.length} more lines not stored: over ${LOGS_LIMIT} bytes]`, ts: line.ts });
      break;
    }
    kept.push(line);
  }
  return JSON.stringify(kept);
}
