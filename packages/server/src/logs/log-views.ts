import type { Selectable } from "kysely";
import type { ApiCallEvent, ExtensionEvent, FunctionLogLine, FunctionRunEvent, SecurityEvent } from "@sprocket/contract";
import type { ApiCallsTable, ExtensionEventsTable, FunctionRunsTable, SecurityEventsTable } from "./tables";

const iso = (ms: number) => new Date(ms).toISOString();
const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The row as the API and the follow stream show it (@sprocket/contract); `detail` adds the headers and bodies of failures. */
export function apiCallView(r: Selectable<ApiCallsTable>, detail = false): ApiCallEvent {
  return {
    id: r.id,
    kind: "api-call",
    accountId: r.account_id,
    appId: r.app_id,
    tokenId: r.token_id,
    method: r.method,
    path: r.path,
    query: r.query,
    status: r.status,
    durationMs: r.duration_ms,
    userAgent: r.user_agent,
    address: r.address,
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    timestamp: r.created_at,
    createdAt: iso(r.created_at),
    ...(detail
      ? { requestHeaders: json<Record<string, string>>(r.request_headers), requestBody: r.request_body, responseBody: r.response_body }
      : {}),
  };
}

export function functionRunView(r: Selectable<FunctionRunsTable>, detail = false): FunctionRunEvent {
  return {
    id: r.id,
    kind: "function-run",
    accountId: r.account_id,
    appId: r.app_id,
    buildId: r.build_id,
    functionName: r.function_name,
    outcome: r.outcome,
    durationMs: r.duration_ms,
    peakRssBytes: r.peak_rss_bytes,
    error: r.error_message === null ? null : { type: r.error_type, message: r.error_message, ...(detail ? { stack: r.error_stack } : {}) },
    invoker: { userId: r.invoker_user_id, label: r.invoker_label },
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    timestamp: r.created_at,
    createdAt: iso(r.created_at),
    ...(detail ? { logs: JSON.parse(r.logs) as FunctionLogLine[] } : {}),
  };
}

export function extensionEventView(r: Selectable<ExtensionEventsTable>): ExtensionEvent {
  return {
    id: r.id,
    kind: "extension-event",
    accountId: r.account_id,
    appId: r.app_id,
    userId: r.user_id,
    eventType: r.kind,
    level: r.level,
    cardUid: r.card_uid,
    location: r.location,
    objectTypeId: r.object_type_id,
    objectId: r.object_id,
    message: r.message,
    durationMs: r.duration_ms,
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    timestamp: r.created_at,
    createdAt: iso(r.created_at),
  };
}

export function securityEventView(r: Selectable<SecurityEventsTable>): SecurityEvent {
  return {
    id: r.id,
    kind: "security-event",
    accountId: r.account_id,
    appId: r.app_id,
    type: r.type,
    actor: { userId: r.actor_user_id, label: r.actor_label, address: r.address },
    details: JSON.parse(r.details) as Record<string, unknown>,
    traceId: r.trace_id,
    timestamp: r.created_at,
    createdAt: iso(r.created_at),
  };
}
