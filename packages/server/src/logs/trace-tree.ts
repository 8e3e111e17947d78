import { sql, type Kysely } from "kysely";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";
import type { LogEvent, Trace, TraceSpan } from "@sprocket/contract";
import { accountsOf, withAccountName, type Scope } from "./app-log-scope";
import { apiCallView, extensionEventView, functionRunView, securityEventView } from "./log-views";

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * Every event of a trace, in a tree by span and parent (@sprocket/contract's Trace). Events sharing a span (an
 * extension's `logger.*` lines under its render) are that span's logs; a span whose parent is not stored (or who has
 * none) is a root.
 */
export async function loadTrace(db: Kysely<Database>, traceId: string, scope: Scope): Promise<Trace> {
  const id = traceId.toLowerCase();
  if (!TRACE_ID.test(id)) throw notFound(`"${traceId}" is not a trace ID: trace IDs are 32 hexadecimal characters.`);
  // An OAuth app's deliveries run where its calls and runs do: in the accounts it was installed in.
  const accounts = accountsOf(scope, "api-calls");
  const [calls, runs, extensions, security, deliveries] = await Promise.all([
    db
      .selectFrom("api_calls")
      .selectAll()
      .where("trace_id", "=", id)
      .where("account_id", "in", accounts)
      // `+app_id` (the same value, not a column an index can serve): SQLite without ANALYZE statistics weighed
      // `app_id =` on the (app, method, status, time) index like `trace_id =` and read every call of the app.
      .$if(scope.appId !== undefined, (q) => q.where(sql<number>`+app_id`, "=", scope.appId!))
      .execute(),
    db
      .selectFrom("function_runs")
      .selectAll()
      .where("trace_id", "=", id)
      .where("account_id", "in", accounts)
      .$if(scope.appId !== undefined, (q) => q.where("app_id", "=", scope.appId!))
      .execute(),
    db
      .selectFrom("extension_events")
      .selectAll()
      .where("trace_id", "=", id)
      .where("account_id", "in", accounts)
      .$if(scope.appId !== undefined, (q) => q.where("app_id", "=", scope.appId!))
      .execute(),
    db
      .selectFrom("security_events")
      .selectAll()
      .where("trace_id", "=", id)
      .where("account_id", "=", scope.accountId)
      .$if(scope.appId !== undefined, (q) => q.where("app_id", "=", scope.appId!))
      .execute(),
    db
      .selectFrom("webhook_deliveries")
      .select(["span_id", "target_url", "attempt", "outcome", "status", "duration_ms", "created_at"])
      .where("trace_id", "=", id)
      .where("account_id", "in", accounts)
      .$if(scope.appId !== undefined, (q) => q.where("app_id", "=", scope.appId!))
      .execute(),
  ]);
  const views: LogEvent[] = [
    ...calls.map((r) => apiCallView(r, true)),
    ...runs.map((r) => functionRunView(r, true)),
    ...extensions.map((r) => extensionEventView(r)),
    ...security.map(securityEventView),
  ].map((v) => withAccountName(scope, v));
  if (views.length + deliveries.length === 0)
    throw notFound(`No events with trace ID ${id}. Traces are kept for the retention period (30 days by default).`);
  const start = Math.min(...views.map((v) => v.timestamp), ...deliveries.map((d) => Number(d.created_at)));

  const spans = new Map<string, TraceSpan>();
  const spanOf = (key: string, parent: string | null): TraceSpan => {
    let span = spans.get(key);
    if (!span) {
      span = {
        spanId: key,
        parentSpanId: parent,
        name: "",
        offsetMs: Number.POSITIVE_INFINITY,
        durationMs: 0,
        status: "OK",
        event: null,
        logs: [],
        children: [],
      };
      spans.set(key, span);
    }
    return span;
  };
  for (const v of [...views].sort((a, b) => a.timestamp - b.timestamp)) {
    const key = "spanId" in v ? v.spanId : `security-${v.id}`;
    const parent = "parentSpanId" in v ? v.parentSpanId : null;
    const span = spanOf(key, parent);
    span.offsetMs = Math.min(span.offsetMs, v.timestamp - start);
    const isLogLine = v.kind === "extension-event" && v.eventType === "LOG";
    if (isLogLine) {
      span.logs.push(v);
      if (v.level === "ERROR") span.status = "ERROR";
      continue;
    }
    span.event = v;
    span.parentSpanId = parent;
    const described = describe(v);
    span.name = described.name;
    span.durationMs = described.durationMs;
    if (described.failed) span.status = "ERROR";
  }
  // A webhook delivery's tries share its trace, one span each; they are not log events, so their spans hold no event.
  for (const d of deliveries) {
    const span = spanOf(d.span_id, null);
    span.offsetMs = Number(d.created_at) - start;
    span.durationMs = Number(d.duration_ms);
    span.name = `webhook to ${d.target_url}, try ${d.attempt}: ${d.status ?? "no answer"}`;
    if (d.outcome !== "delivered") span.status = "ERROR";
  }
  const roots: TraceSpan[] = [];
  for (const span of spans.values()) {
    if (!span.name) span.name = "logs";
    const parent = span.parentSpanId ? spans.get(span.parentSpanId) : undefined;
    if (parent && parent !== span) parent.children.push(span);
    else roots.push(span);
  }
  const byOffset = (a: TraceSpan, b: TraceSpan) => a.offsetMs - b.offsetMs;
  const sortTree = (list: TraceSpan[]) => {
    list.sort(byOffset);
    for (const s of list) sortTree(s.children);
  };
  sortTree(roots);
  const end = Math.max(...[...spans.values()].map((s) => s.offsetMs + s.durationMs));
  return {
    traceId: id,
    startedAt: new Date(start).toISOString(),
    durationMs: end,
    eventCount: views.length + deliveries.length,
    spans: roots,
  };
}

function describe(v: LogEvent): { name: string; durationMs: number; failed: boolean } {
  switch (v.kind) {
    case "api-call":
      return { name: `${v.method} ${v.path}`, durationMs: v.durationMs, failed: v.status >= 400 };
    case "function-run":
      return { name: `function ${v.functionName}`, durationMs: v.durationMs, failed: v.outcome !== "SUCCESS" };
    case "extension-event":
      if (v.eventType === "FETCH") return { name: v.message, durationMs: v.durationMs ?? 0, failed: v.level === "ERROR" };
      return { name: `render ${v.cardUid}`, durationMs: v.durationMs ?? 0, failed: v.eventType === "RENDER_FAILURE" };
    case "security-event":
      return { name: `security ${v.type}`, durationMs: 0, failed: false };
  }
}
