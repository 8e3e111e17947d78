import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { appFunctions, secretChange, secretList, secretRequest } from "@sprocket/contract";
import type { Platform } from "../platform";
import { responds } from "../http/response-schema";
import { actorLabel } from "../http/authenticate";
import { DomainError } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { findApp } from "../apps/app-queries";
import { appFunctionConfigs } from "./app-function";
import { withEndpointUrl } from "./endpoint-url";
import { invokeAppFunction, type FunctionRun } from "./invoke-function";
import { deleteSecret, listSecrets, putSecret } from "./secret-store";

const executionBody = z.object({
  appId: z.union([z.number(), z.string()]).optional(),
  extensibleCardId: z.union([z.number(), z.string()]).optional(),
  serverlessFunction: z.string().min(1),
  location: z.string().optional(),
  objectQuery: z
    .object({
      objectId: z.union([z.number(), z.string()]),
      objectTypeId: z.string().min(1),
      objectPropertyNames: z.array(z.string()).optional(),
    })
    .optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  event: z.object({ type: z.string(), payload: z.unknown() }).optional(),
});

/** HubSpot's executor answers a failed run with 400 VALIDATION_ERROR naming the function; we add the outcome and trace id. */
function failedRun(name: string, run: FunctionRun): DomainError {
  const { result } = run;
  // A timeout names the limit, as HubSpot's does: the measured time also counts how long the kill took.
  const reason = result.error?.message ?? result.outcome;
  return new DomainError("invalid", `The serverless function '${name}' failed to execute: ${reason}. Trace ID: ${run.traceId}`, {
    subCategory: `ServerlessExecution.${result.outcome}`,
    errors: [
      {
        message: `The serverless function '${name}' failed to execute: ${reason}.`,
        // What the function logged before it failed, one `[level] message` string a line: it explains the failure.
        context: {
          exception: [result.error?.stack ?? reason],
          serverlessFunction: [name],
          outcome: [result.outcome],
          traceId: [run.traceId],
          logs: result.logs.map((line) => `[${line.level}] ${line.message}`),
        },
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
        if (!Number.isInteger(appId)) throw new DomainError("invalid", `"${request.params.appId}" is not an app id.`);
        const target = await p.functions.configs.appFunction(user.accountId, appId, body.serverlessFunction);
        const run = await invokeAppFunction(p, root, {
          target,
          ...(body.parameters ? { parameters: body.parameters } : {}),
          ...(body.objectQuery ? { objectQuery: body.objectQuery, propertiesToSend: body.objectQuery.objectPropertyNames ?? [] } : {}),
          ...(body.event ? { event: body.event } : {}),
          traceparent: header(request, "traceparent"),
          invoker: { userId: user.userId, label: actorLabel(user) },
        });
        if (run.result.outcome !== "SUCCESS") throw failedRun(body.serverlessFunction, run);
        return {
          logId: run.spanId,
          traceId: run.traceId,
          response: run.result.value ?? null,
          durationMs: run.result.durationMs,
          logs: run.result.logs,
        };
      },
    );

    // Secrets, at HubSpot's paths so `hs secrets` works too.
    const admins = { config: { auth: "user" as const, permission: "develop" as const } };
    const actor = (request: FastifyRequest) => ({
      userId: request.user!.userId,
      label: actorLabel(request.user!),
      address: request.ip,
    });

    app.get("/cms/v3/functions/secrets", { ...admins, ...responds(secretList) }, async (request) => {
      const { accountId } = request.user!;
      const rows = await listSecrets(p, accountId);
      return {
        results: rows.map((r) => r.name),
        secrets: rows.map((r) => ({
          name: r.name,
          createdAt: new Date(r.created_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
      };
    });
    for (const [method, mode] of [
      ["POST", "add"],
      ["PUT", "update"],
    ] as const) {
      app.route({
        method,
        url: "/cms/v3/functions/secrets",
        ...admins,
        ...responds(secretChange, 200, 201),
        handler: async (request, reply) => {
          const { accountId } = request.user!;
          const { key, secret } = parseBody(secretRequest, request.body, "the secret");
          const outcome = await putSecret(p, accountId, key, secret, mode, actor(request));
          return reply.status(outcome === "created" ? 201 : 200).send({ name: key, status: outcome });
        },
      });
    }
    app.delete<{ Params: { key: string } }>("/cms/v3/functions/secrets/:key", admins, async (request, reply) => {
      await deleteSecret(p, request.user!.accountId, request.params.key, actor(request));
      return reply.status(204).send();
    });

    /** The CLI names an app by uid or id; this resolves it for `sprocket function run`. */
    app.get<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/functions",
      { config: { auth: "user" }, ...responds(appFunctions) },
      async (request) => {
        const user = request.user!;
        const found = await findApp(p.store.db, user.accountId, request.params.app);
        const configs = await appFunctionConfigs(p.store.db, found.id);
        return { appId: found.id, uid: found.uid, results: configs.map((c) => withEndpointUrl(p, user.accountId, c)) };
      },
    );
  };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
