// The four kinds of log event as `/api/v1/logs/...`, the follow stream and traces show them (the server's
// logs/log-views.ts builds them from rows). Keys are in the order the server writes them: serialising through these
// schemas keeps the bytes on the wire as they were.
import { z } from "zod";
import { EXTENSION_EVENT_TYPES, EXTENSION_LOG_LEVELS, LOG_KINDS, SECURITY_EVENT_TYPES } from "./log-kinds";

/** Epoch milliseconds of the event, for sorting and paging; `createdAt` is the same instant in ISO 8601. */
const timestamp = z.number();
const isoTime = z.string();
const nullableText = z.string().nullable();
/** The name of the event's account, on an OAuth app's Logs tabs only: its developer sees the rows of every account it was installed in. */
const accountName = z.string().optional();

export const apiCallEvent = z.object({
  id: z.number(),
  kind: z.literal("api-call"),
  accountId: z.number(),
  accountName,
  appId: z.number(),
  tokenId: z.number(),
  method: z.string(),
  path: z.string(),
  /** Without `?`, redacted; empty when there was none. */
  query: z.string(),
  status: z.number(),
  durationMs: z.number(),
  userAgent: nullableText,
  address: nullableText,
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: nullableText,
  timestamp,
  createdAt: isoTime,
  /** One event's detail only, and kept for failures only (redacted); null for successes. */
  requestHeaders: z.record(z.string(), z.string()).nullable().optional(),
  requestBody: nullableText.optional(),
  responseBody: nullableText.optional(),
});

export const functionLogLine = z.object({ level: z.string(), message: z.string(), ts: z.number().optional() });

export const functionRunEvent = z.object({
  id: z.number(),
  kind: z.literal("function-run"),
  accountId: z.number(),
  accountName,
  appId: z.number(),
  buildId: z.number(),
  functionName: z.string(),
  /** SUCCESS, or how it failed (ERROR, TIMEOUT, CRASHED, …). */
  outcome: z.string(),
  durationMs: z.number(),
  peakRssBytes: z.number().nullable(),
  error: z.object({ type: nullableText, message: z.string(), stack: nullableText.optional() }).nullable(),
  invoker: z.object({ userId: z.number().nullable(), label: z.string() }),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: nullableText,
  timestamp,
  createdAt: isoTime,
  /** One event's detail only. */
  logs: z.array(functionLogLine).optional(),
});

export const extensionEvent = z.object({
  id: z.number(),
  kind: z.literal("extension-event"),
  accountId: z.number(),
  accountName,
  appId: z.number(),
  userId: z.number().nullable(),
  eventType: z.enum(EXTENSION_EVENT_TYPES),
  level: z.enum(EXTENSION_LOG_LEVELS),
  cardUid: z.string(),
  location: z.string(),
  objectTypeId: nullableText,
  objectId: nullableText,
  message: z.string(),
  durationMs: z.number().nullable(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: nullableText,
  timestamp,
  createdAt: isoTime,
});

export const securityEvent = z.object({
  id: z.number(),
  kind: z.literal("security-event"),
  accountId: z.number(),
  appId: z.number().nullable(),
  type: z.enum(SECURITY_EVENT_TYPES),
  actor: z.object({ userId: z.number().nullable(), label: z.string(), address: nullableText }),
  /** Never holds a token or secret value. */
  details: z.record(z.string(), z.unknown()),
  traceId: z.string(),
  timestamp,
  createdAt: isoTime,
});

export const logEvent = z.discriminatedUnion("kind", [apiCallEvent, functionRunEvent, extensionEvent, securityEvent]);

/** Newest first; `paging.next.before` asks for the page after this one. */
export const logPage = z.object({
  results: z.array(logEvent),
  paging: z.object({ next: z.object({ before: z.string() }) }).optional(),
});

export const logKind = z.enum(LOG_KINDS);

export type ApiCallEvent = z.infer<typeof apiCallEvent>;
export type FunctionLogLine = z.infer<typeof functionLogLine>;
export type FunctionRunEvent = z.infer<typeof functionRunEvent>;
export type ExtensionEvent = z.infer<typeof extensionEvent>;
export type SecurityEvent = z.infer<typeof securityEvent>;
export type LogEvent = z.infer<typeof logEvent>;
export type LogPage = z.infer<typeof logPage>;

/** The event each `/api/v1/logs/:kind` lists. */
export interface LogEventOfKind {
  "api-calls": ApiCallEvent;
  functions: FunctionRunEvent;
  extensions: ExtensionEvent;
  security: SecurityEvent;
}
