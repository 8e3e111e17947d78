import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

export type SecurityEventType =
  | "TOKEN_VIEWED"
  | "CLIENT_SECRET_VIEWED"
  | "TOKEN_ROTATED"
  | "TOKEN_ROTATED_LATER"
  | "OLD_TOKEN_EXPIRED"
  | "TOKEN_REVOKED"
  | "APP_DELETED"
  | "SECRET_CHANGED"
  | "KEY_CREATED"
  | "KEY_REVOKED"
  | "SIGN_IN_FAILED"
  | "CLIENT_SECRET_ROTATED"
  | "APP_INSTALLED"
  | "APP_UNINSTALLED";

export interface SecurityEventsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number | null;
  type: SecurityEventType;
  actor_user_id: number | null;
  actor_label: string;
  address: string | null;
  /** JSON object; never holds a token or secret value. */
  details: string;
  trace_id: string;
  created_at: Millis;
}

/** One call to an `auth: "app"` route made with a private app's token. Bodies are kept for failures only, redacted. */
export interface ApiCallsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number;
  token_id: number;
  method: string;
  path: string;
  /** The query string without `?`, redacted; empty when there was none. */
  query: string;
  status: number;
  duration_ms: number;
  user_agent: string | null;
  address: string | null;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  /** JSON object of redacted headers, failures only. */
  request_headers: string | null;
  request_body: string | null;
  response_body: string | null;
  created_at: Millis;
}

export interface FunctionRunsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number;
  build_id: number;
  function_name: string;
  outcome: string;
  duration_ms: number;
  peak_rss_bytes: number | null;
  /** JSON array of `{level, message, ts}`, redacted. */
  logs: string;
  error_type: string | null;
  error_message: string | null;
  error_stack: string | null;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  invoker_user_id: number | null;
  invoker_label: string;
  created_at: Millis;
}

/** FETCH: a `hubspot.fetch` call the server proxied for the card (extensions/fetch-proxy.ts). */
export type ExtensionEventKind = "RENDER_SUCCESS" | "RENDER_FAILURE" | "LOG" | "FETCH";
export type ExtensionLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export interface ExtensionEventsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number;
  user_id: number | null;
  card_uid: string;
  location: string;
  object_type_id: string | null;
  object_id: string | null;
  kind: ExtensionEventKind;
  level: ExtensionLogLevel;
  message: string;
  duration_ms: number | null;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  created_at: Millis;
}

export interface LogTables {
  security_events: SecurityEventsTable;
  api_calls: ApiCallsTable;
  function_runs: FunctionRunsTable;
  extension_events: ExtensionEventsTable;
}
