import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { ApiError } from "../http/api-error";
import { parseBody } from "../http/parse-body";
import { recordSecurityEvent } from "../logs/security-events";
import { findApp } from "../apps/app-queries";
import { findAppFunction, findEndpointFunction } from "./app-function";
import { invokeAppFunction, type FunctionRun } from "./invoke-function";
import { deleteSecret, listSecrets, putSecret } from "./secret-store";

const executionBody = z.object({
  appId: z.union([z.number(), z.string()]).optional(),
  extensibleCardId: z.union([z.number(), z.string()]).optional(),
  serverlessFunction: z.string().min(1),
  location: z.string().optional(),
  objectQuery: z
    .object({ objectId: z.union([z.number(), z.string()]), objectTypeId: z.string().min(1), objectPropertyNames: z.array(z.string()).optional() })
    .optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  event: z.object({ type: z.string(), payload: z.unknown() }).optional(),
});

const secretBody = z.object({ key: z.string().min(1), secret: z.string() });

/** HubSpot's executor answers a failed run with 400 VALIDATION_ERROR naming the function; we add the outcome and trace id. */
function failedRun(name: string, run: FunctionRun): ApiError {
  const { result } = run;
  // A timeout names the limit, as HubSpot's does: the measured time also counts how long the kill took.
  const reason = result.error?.message ?? result.outcome;
  return new ApiError(400, "VALIDATION_ERROR", `The serverless function '${name}' failed to execute: ${reason}. Trace ID: ${run.traceId}`, {
    subCategory: `ServerlessExecution.${result.outcome}`,
    errors: [
      {
        message: `The serverless function '${name}' failed to execute: ${reason}.`,
        context: { exception: [result.error?.stack ?? reason], serverlessFunction: [name], outcome: [result.outcome], traceId: [run.traceId] },
      },
    ],
  });
}

export const functionRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const root = app as FastifyInstance;

    app.post<{ Params: { appId: string } }>(
      "/api/crm-extensibility/execution/internal/v3/action/function/:appId",
      { config: { auth: "user" }, bodyLimit: 7 * 1024 * 1024 },
      async (request) => {
        const user = request.user!;
        const body = parseBody(executionBody, request.body, "the function execution");
        const appId = Number(request.params.appId);
        if (!Number.isInteger(appId)) throw new ApiError(400, "VALIDATION_ERROR", `"${request.params.appId}" is not an app id.`);
        const target = await findAppFunction(p.store.db, user.accountId, appId, body.serverlessFunction);
        const run = await invokeAppFunction(p, root, {
          target,
          ...(body.parameters ? { parameters: body.parameters } : {}),
          ...(body.objectQuery ? { objectQuery: body.objectQuery, propertiesToSend: body.objectQuery.objectPropertyNames ?? [] } : {}),
          ...(body.event ? { event: body.event } : {}),
          traceparent: header(request, "traceparent"),
          invoker: { userId: user.userId, label: request.session?.email ?? `user ${user.userId} (CLI)` },
        });
        if (run.result.outcome !== "SUCCESS") throw failedRun(body.serverlessFunction, run);
        return { logId: run.spanId, traceId: run.traceId, response: run.result.value ?? null, durationMs: run.result.durationMs, logs: run.result.logs };
      },
    );

    // serverless.json `endpoint`: the function answers HTTP itself at /_hcms/api/<path>.
    app.all<{ Params: { "*": string } }>("/_hcms/api/*", { bodyLimit: 6 * 1024 * 1024 }, async (request, reply) => {
      const path = request.params["*"];
      const query = request.query as Record<string, unknown>;
      const portal = query.portalId ?? request.headers["x-hubspot-portal-id"];
      const accountId = portal === undefined ? undefined : Number(portal);
      const matches = await findEndpointFunction(p.store.db, path, request.method, accountId);
      if (matches.length === 0) throw new ApiError(404, "OBJECT_NOT_FOUND", `No function is deployed at /_hcms/api/${path} for ${request.method}.`);
      if (matches.length > 1) throw new ApiError(400, "VALIDATION_ERROR", `Several accounts serve /_hcms/api/${path}: add ?portalId=<account id>.`);
      const run = await invokeAppFunction(p, root, {
        target: matches[0]!,
        parameters: query,
        extraContext: { params: query, body: request.body ?? null, headers: redactHeaders(request), method: request.method },
        traceparent: header(request, "traceparent"),
        invoker: { userId: null, label: `endpoint ${request.ip}` },
      });
      return sendEndpointResult(reply, run);
    });

    // Secrets, at HubSpot's paths so `hs secrets` works too.
    const admins = { config: { auth: "user" as const, permission: "develop" as const } };
    const actor = (request: FastifyRequest) => ({ userId: request.user!.userId, label: request.session?.email ?? `user ${request.user!.userId} (CLI)`, address: request.ip });

    app.get("/cms/v3/functions/secrets", admins, async (request) => {
      const { accountId } = request.user!;
      const rows = await listSecrets(p, accountId);
      return { results: rows.map((r) => r.name), secrets: rows.map((r) => ({ name: r.name, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() })) };
    });
    for (const [method, mode] of [["POST", "add"], ["PUT", "update"]] as const) {
      app.route({
        method,
        url: "/cms/v3/functions/secrets",
        ...admins,
        handler: async (request, reply) => {
          const { accountId } = request.user!;
          const { key, secret } = parseBody(secretBody, request.body, "the secret");
          const outcome = await putSecret(p, accountId, key, secret, mode);
          await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, type: "SECRET_CHANGED", actor: actor(request), details: { name: key, change: outcome } });
          return reply.status(outcome === "created" ? 201 : 200).send({ name: key, status: outcome });
        },
      });
    }
    app.delete<{ Params: { key: string } }>("/cms/v3/functions/secrets/:key", admins, async (request, reply) => {
      const { accountId } = request.user!;
      await deleteSecret(p, accountId, request.params.key);
      await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, type: "SECRET_CHANGED", actor: actor(request), details: { name: request.params.key, change: "deleted" } });
      return reply.status(204).send();
    });

    /** The CLI names an app by uid or id; this resolves it for `sprocket function run`. */
    app.get<{ Params: { app: string } }>("/api/v1/private-apps/:app/functions", { config: { auth: "user" } }, async (request) => {
      const user = request.user!;
      const found = await findApp(p.store.db, user.accountId, request.params.app);
      const rows = await p.store.db.selectFrom("app_components").select(["name", "config"]).where("app_id", "=", found.id).where("kind", "=", "function").execute();
      return { appId: found.id, uid: found.uid, results: rows.map((r) => JSON.parse(r.config) as unknown) };
    });
  };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function redactHeaders(request: FastifyRequest): Record<string, unknown> {
  const { authorization: _a, cookie: _c, ...rest } = request.headers;
  return rest;
}

/** An endpoint function returns `{statusCode, body, headers}`; anything else is its body with 200. */
function sendEndpointResult(reply: FastifyReply, run: FunctionRun) {
  const { result } = run;
  reply.header("x-sprocket-trace-id", run.traceId);
  if (result.outcome !== "SUCCESS") {
    const status = result.outcome === "TIMEOUT" ? 504 : 500;
    return reply.status(status).type("application/json").send({ status: "error", message: `The function failed: ${result.error?.message ?? result.outcome}`, category: "INTERNAL_ERROR", traceId: run.traceId });
  }
  const value = result.value as { statusCode?: unknown; body?: unknown; headers?: unknown } | null;
  if (value && typeof value === "object" && typeof value.statusCode === "number") {
    if (value.headers && typeof value.headers === "object") reply.headers(value.headers as Record<string, string>);
    const body = value.body;
    return reply.status(value.statusCode).send(typeof body === "string" || body === undefined ? (body ?? "") : body);
  }
  return reply.status(200).send(value);
}
