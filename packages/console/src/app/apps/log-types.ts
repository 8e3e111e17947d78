// Shapes of the log routes (packages/server/src/logs/log-views.ts, trace-tree.ts, overview.ts).

export const logKinds = ["api-calls", "functions", "extensions", "security"] as const;
export type LogKind = (typeof logKinds)[number];

export const logKindLabels: Record<LogKind, string> = { "api-calls": "API calls", functions: "Serverless functions", extensions: "Extensions", security: "Security" };

interface EventBase {
  id: number;
  accountId: number;
  traceId: string;
  timestamp: number;
  createdAt: string;
}

export interface ApiCallEvent extends EventBase {
  kind: "api-call";
  appId: number;
  tokenId: number;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  userAgent: string | null;
  address: string | null;
  spanId: string;
  parentSpanId: string | null;
  /** Detail only, failures only. */
  requestHeaders?: Record<string, string> | null;
  requestBody?: string | null;
  responseBody?: string | null;
}

export interface FunctionLogLine {
  level: string;
  message: string;
  ts?: number;
}

export interface FunctionRunEvent extends EventBase {
  kind: "function-run";
  appId: number;
  buildId: number;
  functionName: string;
  outcome: string;
  durationMs: number;
  peakRssBytes: number | null;
  error: { type: string | null; message: string; stack?: string | null } | null;
  invoker: { userId: number | null; label: string };
  spanId: string;
  parentSpanId: string | null;
  /** Detail only. */
  logs?: FunctionLogLine[];
}

export interface ExtensionEvent extends EventBase {
  kind: "extension-event";
  appId: number;
  userId: number | null;
  /** FETCH: a `hubspot.fetch` call the server proxied for the card. */
  eventType: "RENDER_SUCCESS" | "RENDER_FAILURE" | "LOG" | "FETCH";
  level: "DEBUG" | "INFO" | "WARN" | "ERROR";
  cardUid: string;
  location: string;
  objectTypeId: string | null;
  objectId: string | null;
  message: string;
  durationMs: number | null;
  spanId: string;
  parentSpanId: string | null;
}

export interface SecurityEvent extends EventBase {
  kind: "security-event";
  appId: number | null;
  type: string;
  actor: { userId: number | null; label: string; address: string | null };
  details: Record<string, unknown> | null;
}

export type LogEvent = ApiCallEvent | FunctionRunEvent | ExtensionEvent | SecurityEvent;

export interface LogPage {
  results: LogEvent[];
  paging?: { next: { before: string } };
}

export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  offsetMs: number;
  durationMs: number;
  status: "OK" | "ERROR";
  event: LogEvent | null;
  logs: LogEvent[];
  children: TraceSpan[];
}

export interface Trace {
  traceId: string;
  startedAt: string;
  durationMs: number;
  eventCount: number;
  spans: TraceSpan[];
}

export const overviewRanges = ["1h", "1d", "1w"] as const;
export type OverviewRange = (typeof overviewRanges)[number];

export interface OverviewBucket {
  start: string;
  apiCalls: { "2xx": number; "3xx": number; "4xx": number; "5xx": number };
  functionRuns: Record<string, number>;
  renders: { success: number; failure: number };
  errors: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
}

export interface Overview {
  range: OverviewRange;
  bucketMs: number;
  start: string;
  end: string;
  totals: { apiCalls: number; apiErrors: number; functionRuns: number; functionErrors: number; renders: number; renderFailures: number; extensionErrors: number };
  durations: { apiCalls: Percentiles; functionRuns: Percentiles };
  buckets: OverviewBucket[];
  cards: Array<{ cardUid: string; renders: number; renderFailures: number; errors: number; lastRenderAt: string | null }>;
}

/** Whether the event went wrong, for the red badges and the trace's colours. */
export function failed(e: LogEvent): boolean {
  switch (e.kind) {
    case "api-call":
      return e.status >= 400;
    case "function-run":
      return e.outcome !== "SUCCESS";
    case "extension-event":
      return e.eventType === "RENDER_FAILURE" || e.level === "ERROR";
    case "security-event":
      return false;
  }
}

export const formatMs = (ms: number | null | undefined): string => (ms === null || ms === undefined ? "—" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
