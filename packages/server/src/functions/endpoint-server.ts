// The listener of public endpoint functions (serverless.json `endpoint`). Their responses are the tenants' content,
// so they never share the console's origin: a second Fastify instance on its own port, with no cookie parsing, no
// session, no console and no API. Threat model: docs/security/endpoints.md.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import { ApiError } from "../http/api-error";
import { clientError, frameworkError, registerErrorHandling } from "../http/error-handler";
import { registerJsonParser } from "../http/json-body";
import { invokeAppFunction, type FunctionRun } from "./invoke-function";
import { BadFunctionOutput, endpointResponse } from "./endpoint-response";

/**
 * Sent on every response of this listener, errors included, over whatever the function set: a document served here
 * runs no script, gets an opaque origin (so it reads no cookie and no other endpoint's answer) and loads nothing.
 */
export const ENDPOINT_SECURITY_HEADERS = {
  "content-security-policy": "sandbox; default-src 'none'",
  "x-content-type-options": "nosniff",
} as const;

/** HubSpot's limit on an invocation's payload. */
const BODY_LIMIT = 6 * 1024 * 1024;

/**
 * `api` is the console/API instance: a function's own API calls go there, never here. The account is named by the
 * path (`/<accountId>/_hcms/api/<path>`, the URL Sprocket shows) or, on `/_hcms/api/<path>`, by HubSpot's
 * `?portalId=` or `X-HubSpot-Portal-Id`.
 */
export async function buildEndpointServer(p: Platform, api: FastifyInstance): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: p.log,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    bodyLimit: BODY_LIMIT,
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  });
  registerJsonParser(app);
  // HubSpot hands a function any body; JSON is parsed, anything else arrives as text.
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  registerErrorHandling(app, p.log);
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.headers(ENDPOINT_SECURITY_HEADERS);
    return payload;
  });

  const handle = async (request: FastifyRequest<{ Params: { accountId?: string; "*": string } }>, reply: FastifyReply) => {
    const path = request.params["*"];
    const accountId = accountOf(request);
    const matches = await p.functions.configs.findEndpoint(accountId, path, request.method);
    if (matches.length === 0)
      throw new ApiError(
        404,
        "OBJECT_NOT_FOUND",
        `No function is deployed at /_hcms/api/${path} for ${request.method} in account ${accountId}.`,
      );
    if (matches.length > 1)
      throw new ApiError(
        409,
        "CONFLICT",
        `Several apps of account ${accountId} serve ${request.method} /_hcms/api/${path}: keep the endpoint in one app's serverless.json.`,
      );
    const retryAfter = await p.limits.endpointRetryAfter(accountId, p.config.endpoints.callsPerMinute, p.clock.now());
    if (retryAfter > 0) {
      throw new ApiError(
        429,
        "RATE_LIMITS",
        `Account ${accountId}'s endpoints have reached their limit of ${p.config.endpoints.callsPerMinute} calls a minute.`,
        {
          headers: { "retry-after": String(retryAfter) },
        },
      );
    }
    const query = request.query as Record<string, unknown>;
    const run = await invokeAppFunction(p, api, {
      target: matches[0]!,
      parameters: query,
      extraContext: { params: query, body: request.body ?? null, headers: forwardedHeaders(request), method: request.method },
      traceparent: firstHeader(request, "traceparent"),
      invoker: { userId: null, label: `endpoint ${request.ip}` },
    });
    return sendRun(reply, matches[0]!.fn.name, run);
  };
  app.all("/:accountId/_hcms/api/*", handle);
  app.all("/_hcms/api/*", handle);
  return app;
}

/** The account the URL names; every way of naming it must agree, so a URL never means two accounts. */
function accountOf(request: FastifyRequest<{ Params: { accountId?: string } }>): number {
  const fromPath = request.params.accountId;
  if (fromPath !== undefined && !/^\d{1,15}$/.test(fromPath))
    throw new ApiError(404, "RESOURCE_NOT_FOUND", `No route matches ${request.method} ${request.url.split("?")[0]}.`);
  const portalId = (request.query as Record<string, unknown>).portalId;
  const named = [fromPath, ...(Array.isArray(portalId) ? portalId : [portalId]), ...[request.headers["x-hubspot-portal-id"]].flat()].filter(
    (v): v is string => typeof v === "string" && v !== "",
  );
  const distinct = [...new Set(named)];
  if (distinct.length === 0)
    throw new ApiError(400, "VALIDATION_ERROR", "Name the account: call /<accountId>/_hcms/api/<path>, or add ?portalId=<accountId>.");
  if (distinct.length > 1)
    throw new ApiError(400, "VALIDATION_ERROR", `The request names several accounts (${distinct.join(", ")}): name one.`);
  const id = distinct[0]!;
  if (!/^\d{1,15}$/.test(id)) throw new ApiError(400, "VALIDATION_ERROR", `${JSON.stringify(id.slice(0, 40))} is not an account id.`);
  return Number(id);
}

/**
 * The function's answer, or HubSpot's error body with the trace id. A failure's message stays in the function's
 * log (`sprocket logs trace <id>`): the caller is anonymous and exception text can hold anything.
 */
function sendRun(reply: FastifyReply, name: string, run: FunctionRun) {
  const { result, traceId } = run;
  reply.header("x-sprocket-trace-id", traceId);
  if (result.outcome !== "SUCCESS") {
    // A result the runner could not carry back is bad function output, as a bad status is: HubSpot's 502.
    const status = result.outcome === "TIMEOUT" ? 504 : result.outcome === "INVALID_RESPONSE" ? 502 : 500;
    return sendError(
      reply,
      status,
      `The serverless function '${name}' failed (${result.outcome}).`,
      `ServerlessExecution.${result.outcome}`,
      traceId,
    );
  }
  try {
    const response = endpointResponse(result.value);
    return reply.status(response.status).headers(response.headers).send(response.body);
  } catch (e) {
    if (!(e instanceof BadFunctionOutput)) throw e;
    return sendError(
      reply,
      502,
      `The serverless function '${name}' returned an invalid response: ${e.message}.`,
      "ServerlessExecution.INVALID_RESPONSE",
      traceId,
    );
  }
}

function sendError(reply: FastifyReply, status: number, message: string, subCategory: string, traceId: string) {
  const error = new ApiError(status, "INTERNAL_ERROR", `${message} Trace ID: ${traceId}`, { subCategory, context: { traceId: [traceId] } });
  return reply.status(status).type("application/json").send(error.body());
}

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's headers as HubSpot passes them, less its credentials for Sprocket (cookies reach every port of the host). */
function forwardedHeaders(request: FastifyRequest): Record<string, unknown> {
  const { authorization: _a, cookie: _c, ...rest } = request.headers;
  return rest;
}

/** Builds the endpoint listener and listens on `config.endpoints.port`; `host` is how the console's URL names this host. */
export async function listenEndpointServer(
  p: Platform,
  api: FastifyInstance,
  host: string,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildEndpointServer(p, api);
  try {
    await app.listen({ port: p.config.endpoints.port, host: p.config.host });
  } catch (e) {
    await app.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : p.config.endpoints.port;
  return { app, url: p.config.endpoints.publicUrl ?? `http://${host}:${port}` };
}
