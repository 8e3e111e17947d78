import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import { newSpanId, newTraceId, parseTraceparent } from "./trace-context";
import { redactBody, redactHeaders, redactQuery, redactText } from "./redact";

/**
 * A call made with an app's token. `request.app` is set only by the "app" routes' gate (apps/app-auth.ts), with appId
 * 0 for the console's own session calls, so it says both what the route is and who called; `request.routeOptions`
 * would build a twelve-field object on every response to say the first.
 */
const isRecorded = (request: FastifyRequest) => (request.app?.appId ?? 0) > 0;

/** The last User-Agent and its redacted form: a client sends the same one on every call, and redacting runs three patterns. */
let lastAgent = { raw: "", redacted: "" };
function redactedAgent(raw: string): string {
  if (raw !== lastAgent.raw) lastAgent = { raw, redacted: redactText(raw) };
  return lastAgent.redacted;
}

declare module "fastify" {
  interface FastifyRequest {
    /** performance.now() when the request reached its route, for the API-call log's duration. */
    receivedAt: number;
  }
}

/**
 * Records every call a private app makes with its token, as its answer goes out: the status and, for a failure, the
 * body are final there, and the duration runs to the moment the answer is handed to the socket. No onResponse hook:
 * with one (or with a logger given to Fastify, app.ts) Fastify adds `finish` and `error` listeners to every response
 * and takes two timestamps, and runs the hook after the write, on every CRM call's budget (issue #24). A
 * `traceparent` header (a function calling back into the API) joins the call to the caller's trace; without one the
 * call starts its own.
 */
export function registerApiCallRecorder(app: FastifyInstance, p: Platform): void {
  if (!p.logs.options.recordApiCalls) return;
  app.decorateRequest("receivedAt", 0);
  // Callback hooks: an async hook costs a promise and a microtask on every request, recorded or not.
  app.addHook("onRequest", (request, _reply, done) => {
    request.receivedAt = performance.now();
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    // The answer goes out whatever happens to its record: a failure here would otherwise replace it.
    try {
      if (isRecorded(request)) record(p, request, reply, payload);
    } catch (e) {
      p.log.warn({ err: e }, "an API call could not be recorded");
    }
    done(null, payload);
  });
}

function record(p: Platform, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  const principal = request.app!;
  const durationMs = Math.round((performance.now() - request.receivedAt) * 1000) / 1000;
  const header = request.headers.traceparent;
  const parent = parseTraceparent(Array.isArray(header) ? header[0] : header);
  const failed = reply.statusCode >= 400;
  const q = request.url.indexOf("?");
  p.logs.sink.add("api_calls", {
    account_id: principal.accountId,
    app_id: principal.appId,
    token_id: principal.tokenId,
    method: request.method,
    path: q < 0 ? request.url : request.url.slice(0, q),
    query: q < 0 ? "" : redactQuery(request.url.slice(q + 1)),
    status: reply.statusCode,
    duration_ms: durationMs,
    user_agent: request.headers["user-agent"] ? redactedAgent(request.headers["user-agent"]) : null,
    address: request.ip,
    trace_id: parent?.traceId ?? newTraceId(),
    span_id: newSpanId(),
    parent_span_id: parent?.parentId ?? null,
    request_headers: failed ? JSON.stringify(redactHeaders(request.headers)) : null,
    request_body: failed ? redactBody(request.body) : null,
    response_body: failed ? redactBody(payload) : null,
    created_at: Math.round(p.clock.now() - durationMs),
  });
}
