import type { StoredRow } from "./log-sink";
import { DEFAULT_RETRY, RetryableError, isRetryableStatus, withRetry, type RetryOptions } from "./otlp-retry";

type Attr = { key: string; value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } };
type AttrInput = string | number | boolean | null | undefined;

function attributes(values: Record<string, AttrInput>): Attr[] {
  const out: Attr[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "string") out.push({ key, value: { stringValue: v } });
    else if (typeof v === "boolean") out.push({ key, value: { boolValue: v } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}

const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const SEVERITY: Record<string, number> = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, log: 9, info: 9, debug: 5, warn: 13, error: 17 };

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attr[];
  events?: Array<{ timeUnixNano: string; name: string; attributes: Attr[] }>;
  status: { code: number; message?: string };
}

interface LogRecord {
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: { stringValue: string };
  traceId: string;
  spanId: string;
  attributes: Attr[];
}

/** Log rows as OTLP spans (API calls, function runs, renders) and log records (extension `logger.*` lines). */
export function toOtlp(rows: readonly StoredRow[]): { spans: Span[]; logs: LogRecord[] } {
  const spans: Span[] = [];
  const logs: LogRecord[] = [];
  for (const { table, row } of rows) {
    const parent = row.parent_span_id ? { parentSpanId: row.parent_span_id } : {};
    if (table === "api_calls") {
      spans.push({
        traceId: row.trace_id,
        spanId: row.span_id,
        ...parent,
        name: `${row.method} ${row.path}`,
        kind: SPAN_KIND_SERVER,
        startTimeUnixNano: nanos(row.created_at),
        endTimeUnixNano: nanos(row.created_at + row.duration_ms),
        attributes: attributes({
          "http.request.method": row.method,
          "url.path": row.path,
          "url.query": row.query || undefined,
          "http.response.status_code": row.status,
          "user_agent.original": row.user_agent,
          "client.address": row.address,
          "sprocket.account_id": row.account_id,
          "sprocket.app_id": row.app_id,
          "sprocket.token_id": row.token_id,
        }),
        status: row.status >= 500 ? { code: STATUS_ERROR } : { code: STATUS_OK },
      });
    } else if (table === "function_runs") {
      const lines = JSON.parse(row.logs) as Array<{ level: string; message: string; ts: number }>;
      spans.push({
        traceId: row.trace_id,
        spanId: row.span_id,
        ...parent,
        name: `function ${row.function_name}`,
        kind: SPAN_KIND_INTERNAL,
        startTimeUnixNano: nanos(row.created_at),
        endTimeUnixNano: nanos(row.created_at + row.duration_ms),
        attributes: attributes({
          "faas.name": row.function_name,
          "sprocket.outcome": row.outcome,
          "sprocket.account_id": row.account_id,
          "sprocket.app_id": row.app_id,
          "sprocket.build_id": row.build_id,
          "process.memory.peak_rss": row.peak_rss_bytes,
          "sprocket.invoker": row.invoker_label,
          "exception.type": row.error_type,
          "exception.message": row.error_message,
          "exception.stacktrace": row.error_stack,
        }),
        events: lines.map((l) => ({
          timeUnixNano: nanos(l.ts),
          name: "log",
          attributes: attributes({ "log.severity": l.level, "log.message": l.message }),
        })),
        status: row.outcome === "SUCCESS" ? { code: STATUS_OK } : { code: STATUS_ERROR, message: row.error_message ?? row.outcome },
      });
    } else if (row.kind === "LOG") {
      logs.push({
        timeUnixNano: nanos(row.created_at),
        severityNumber: SEVERITY[row.level] ?? 9,
        severityText: row.level,
        body: { stringValue: row.message },
        traceId: row.trace_id,
        spanId: row.span_id,
        attributes: attributes({
          "sprocket.app_id": row.app_id,
          "sprocket.card": row.card_uid,
          "sprocket.location": row.location,
          "enduser.id": row.user_id === null ? null : String(row.user_id),
        }),
      });
    } else {
      spans.push({
        traceId: row.trace_id,
        spanId: row.span_id,
        ...parent,
        name: `render ${row.card_uid}`,
        kind: SPAN_KIND_INTERNAL,
        startTimeUnixNano: nanos(row.created_at),
        endTimeUnixNano: nanos(row.created_at + (row.duration_ms ?? 0)),
        attributes: attributes({
          "sprocket.app_id": row.app_id,
          "sprocket.card": row.card_uid,
          "sprocket.location": row.location,
          "sprocket.object_type_id": row.object_type_id,
          "sprocket.object_id": row.object_id,
          "enduser.id": row.user_id === null ? null : String(row.user_id),
        }),
        status: row.kind === "RENDER_FAILURE" ? { code: STATUS_ERROR, message: row.message } : { code: STATUS_OK },
      });
    }
  }
  return { spans, logs };
}

const MAX_QUEUED = 20;

/**
 * Sends what the sink stored to an OpenTelemetry collector over OTLP/HTTP with JSON bodies (`/v1/traces`, `/v1/logs`).
 * One request at a time; a request the collector throttles or cannot take now (429, 502, 503, 504, or no answer) is
 * tried again with back-off (otlp-retry.ts). When the collector falls behind or the tries run out, whole batches are
 * dropped and counted.
 */
export class OtlpExporter {
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly stopping = new AbortController();
  dropped = 0;
  readonly tracesUrl: string;
  readonly logsUrl: string;

  constructor(
    endpoint: string,
    private readonly onError: (error: unknown) => void,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {
    const base = endpoint.replace(/\/+$/, "").replace(/\/v1\/(traces|logs)$/, "");
    this.tracesUrl = `${base}/v1/traces`;
    this.logsUrl = `${base}/v1/logs`;
  }

  export(rows: readonly StoredRow[]): void {
    if (this.queued >= MAX_QUEUED) {
      this.dropped += rows.length;
      return;
    }
    this.queued++;
    this.queue = this.queue.then(() => this.send(rows)).finally(() => void this.queued--);
  }

  /** Resolves when everything handed over so far has been sent (or failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Sends what is queued with one try per batch, ending a wait under way: a closing server does not wait out a back-off. */
  close(): Promise<void> {
    this.stopping.abort();
    return this.queue;
  }

  private async send(rows: readonly StoredRow[]): Promise<void> {
    const { spans, logs } = toOtlp(rows);
    const resource = { attributes: attributes({ "service.name": "sprocket" }) };
    const scope = { name: "sprocket.logs" };
    try {
      if (spans.length > 0) await this.post(this.tracesUrl, { resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] });
      if (logs.length > 0) await this.post(this.logsUrl, { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords: logs }] }] });
    } catch (e) {
      this.dropped += rows.length;
      this.onError(e);
    }
  }

  private post(url: string, body: unknown): Promise<void> {
    const json = JSON.stringify(body);
    return withRetry(
      async () => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: json,
          signal: AbortSignal.timeout(10_000),
        }).catch((e: unknown) => {
          // No answer (refused, reset, timed out): the collector may be restarting.
          throw new RetryableError(
            `OTLP export to ${url} failed: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`,
          );
        });
        if (res.ok) return void (await res.arrayBuffer());
        const message = `OTLP export to ${url} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
        throw isRetryableStatus(res.status) ? new RetryableError(message, res.headers.get("retry-after")) : new Error(message);
      },
      this.retry,
      this.stopping.signal,
    );
  }
}
