import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import type { Platform } from "../platform";
import { invalid, notFound, forbidden } from "../errors/domain-error";
import { roleIn } from "../accounts/account-service";
import { findApp } from "../apps/app-queries";
import { LOG_KINDS, logEvent, logPage, overview, trace, type LogKind } from "@sprocket/contract";
import { responds } from "../http/response-schema";
import { registerApiCallRecorder } from "./api-call-recorder";
import { ingestExtensionEvents } from "./extension-events";
import { followLogs } from "./follow-stream";
import { EventStreams } from "../http/event-stream";
import { getLog, listLogs, parseListQuery } from "./log-queries";
import { appOverview, parseRange } from "./overview";
import { loadTrace } from "./trace-tree";
import { appLogScope } from "./app-log-scope";

function logKind(value: string): LogKind {
  if ((LOG_KINDS as readonly string[]).includes(value)) return value as LogKind;
  throw notFound(`No log kind "${value}": use one of ${LOG_KINDS.join(", ")}.`);
}

type AppParams = { Params: { appId: string } };

/**
 * The log domain over HTTP: the API-call recorder (hooks on every route, hence not encapsulated), extension-event
 * ingestion from the console, and the read side for the console and the CLI (super admins only, as in HubSpot).
 */
export const logsPlugin = (p: Platform): FastifyPluginAsync => {
  const plugin: FastifyPluginAsync = async (app) => {
    registerApiCallRecorder(app, p);
    const streams = new EventStreams();
    app.addHook("preClose", async () => streams.endAll());

    async function superAdmin(request: FastifyRequest) {
      const user = request.user!;
      if ((await roleIn(p, user.accountId, user.userId)) !== "super_admin") throw forbidden("Only super admins can read private app logs.");
      return user;
    }
    // The app's owner account reads its logs; an OAuth app's include the accounts it was installed in (app-log-scope.ts).
    const appScope = async (request: FastifyRequest<AppParams>) => {
      const { accountId } = await superAdmin(request);
      return appLogScope(p.store.db, accountId, await findApp(p.store.db, accountId, request.params.appId));
    };
    const eventId = (id: string) => {
      if (!/^\d{1,15}$/.test(id)) throw notFound(`"${id}" is not a log event ID.`);
      return Number(id);
    };
    const user = { config: { auth: "user" as const } };

    app.post("/api/v1/extension-events", { config: { auth: "session" } }, async (request, reply) => {
      const accepted = await ingestExtensionEvents(p, request.user!, request.body);
      return reply.status(202).send({ accepted });
    });

    app.get<AppParams & { Params: { kind: string } }>(
      "/api/v1/private-apps/:appId/logs/:kind",
      { ...user, ...responds(logPage) },
      async (request) => {
        const kind = logKind(request.params.kind);
        const scope = await appScope(request);
        return listLogs(p.store.db, p.store.engine, kind, scope, parseListQuery(kind, request.query, p.clock.now()));
      },
    );

    // Account-wide, for `sprocket logs <kind>` without --app.
    app.get<{ Params: { kind: string } }>("/api/v1/logs/:kind", { ...user, ...responds(logPage) }, async (request) => {
      const kind = logKind(request.params.kind);
      const { accountId } = await superAdmin(request);
      return listLogs(p.store.db, p.store.engine, kind, { accountId }, parseListQuery(kind, request.query, p.clock.now()));
    });

    app.get<{ Params: { kind: string; id: string } }>("/api/v1/logs/:kind/:id", { ...user, ...responds(logEvent) }, async (request) => {
      const kind = logKind(request.params.kind);
      const { accountId } = await superAdmin(request);
      return getLog(p.store.db, kind, { accountId }, eventId(request.params.id));
    });

    // The app's Logs tabs open rows through this one: an OAuth app's rows of other accounts are not the account-wide route's.
    app.get<AppParams & { Params: { kind: string; id: string } }>(
      "/api/v1/private-apps/:appId/logs/:kind/:id",
      { ...user, ...responds(logEvent) },
      async (request) => {
        const kind = logKind(request.params.kind);
        return getLog(p.store.db, kind, await appScope(request), eventId(request.params.id));
      },
    );

    app.get<AppParams & { Params: { traceId: string } }>(
      "/api/v1/private-apps/:appId/traces/:traceId",
      { ...user, ...responds(trace) },
      async (request) => {
        return loadTrace(p.store.db, request.params.traceId, await appScope(request));
      },
    );

    app.get<{ Params: { traceId: string } }>("/api/v1/traces/:traceId", { ...user, ...responds(trace) }, async (request) => {
      const { accountId } = await superAdmin(request);
      return loadTrace(p.store.db, request.params.traceId, { accountId });
    });

    app.get<AppParams & { Querystring: { range?: string } }>(
      "/api/v1/private-apps/:appId/overview",
      { ...user, ...responds(overview) },
      async (request) => {
        const range = parseRange(request.query.range);
        return appOverview(p.store.db, await appScope(request), range, p.clock.now());
      },
    );

    app.get<{ Querystring: { kind?: string; app?: string } }>("/api/v1/logs/stream", user, async (request, reply) => {
      const { accountId } = await superAdmin(request);
      const { kind, app: appRef, ...rest } = request.query;
      const unknown = Object.keys(rest).filter((k) => k !== "portalId");
      if (unknown.length > 0) throw invalid(`Unknown parameter ${unknown[0]} for the log stream; use kind and app.`);
      const scope = appRef ? await appLogScope(p.store.db, accountId, await findApp(p.store.db, accountId, appRef)) : { accountId };
      await followLogs(p, streams, reply, { ...scope, ...(kind ? { kind: logKind(kind) } : {}) });
    });
  };
  // Not encapsulated: the recorder's hooks must see the routes of every other domain.
  return fastifyPlugin(plugin, { name: "sprocket-logs" });
};
