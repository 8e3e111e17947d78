import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { timelineAnswer } from "@sprocket/contract";
import type { Platform } from "../platform";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import { responds } from "../http/response-schema";
import { json, routeConfig } from "../crm/route-kit";
import { batchResponse, standardError, type StandardError } from "../crm/batch-response";
import { checkBatchSize } from "../crm/object-writes";
import { appTemplate, appTemplates, templateType, templateView, type EventTemplate } from "./event-templates";
import { createEvent, eventView, getEvent, recordTimeline, renderEvent, timelineEventInput } from "./timeline-events";

/** HubSpot's scope for sending and reading timeline events. */
const TIMELINE_SCOPES = ["timeline"];
const TIMELINE_LIMIT = 100;

/**
 * HubSpot's timeline events API (under the SDK's /integrators/timeline/v3 and the older /crm/v3/timeline), for an
 * app's `app-event` templates: events are sent and read with the app's token and the `timeline` scope; an app reads
 * its own templates. The console reads a record's events, rendered, from /api/v1/timeline.
 */
export const timelineRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const events = routeConfig(TIMELINE_SCOPES);
    const templates = routeConfig([]);
    const db = p.store.db;

    for (const base of ["/integrators/timeline/v3", "/crm/v3/timeline"]) {
      app.post(`${base}/events`, events, async (request, reply) => {
        const input = parseBody(timelineEventInput, absentAs(request.body, {}), "TimelineEvent");
        return json(reply, 201, eventView(await createEvent(p, request.app!, input)));
      });

      app.post(`${base}/events/batch/create`, events, async (request, reply) => {
        const startedAt = Date.now();
        const { inputs } = parseBody(z.object({ inputs: z.array(z.unknown()) }), absentAs(request.body, {}), "BatchInputTimelineEvent");
        checkBatchSize(inputs.length);
        const results: unknown[] = [];
        const errors: StandardError[] = [];
        for (const [i, raw] of inputs.entries()) {
          try {
            results.push(eventView(await createEvent(p, request.app!, parseBody(timelineEventInput, raw, `TimelineEvent inputs[${i}]`))));
          } catch (e) {
            if (!(e instanceof DomainError) || e.kind === "unavailable") throw e;
            errors.push(standardError(e.category, e.message, { index: [String(i)] }));
          }
        }
        const { status, body } = batchResponse(results, errors, startedAt, 201);
        return json(reply, status, body);
      });

      type EventParams = { eventTemplateId: string; eventId: string };
      app.get<{ Params: EventParams }>(`${base}/events/:eventTemplateId/:eventId`, events, async (request, reply) =>
        json(reply, 200, eventView(await getEvent(p, request.app!, request.params.eventTemplateId, request.params.eventId))),
      );

      app.get<{ Params: EventParams }>(`${base}/events/:eventTemplateId/:eventId/detail`, events, async (request, reply) => {
        const e = await getEvent(p, request.app!, request.params.eventTemplateId, request.params.eventId);
        return json(reply, 200, { details: renderEvent(e.template, e.tokens, e.extraData).detail ?? "" });
      });

      app.get<{ Params: { appId: string } }>(`${base}/:appId/event-templates`, templates, async (request, reply) => {
        const appId = await ownApp(p, request, request.params.appId);
        return json(reply, 200, { results: await Promise.all((await appTemplates(db, appId)).map((t) => view(p, request, t))) });
      });

      app.get<{ Params: { appId: string; eventTemplateId: string } }>(
        `${base}/:appId/event-templates/:eventTemplateId`,
        templates,
        async (request, reply) => {
          const appId = await ownApp(p, request, request.params.appId);
          return json(reply, 200, await view(p, request, await appTemplate(db, appId, request.params.eventTemplateId)));
        },
      );
    }

    app.get<{ Querystring: { objectTypeId?: string; objectId?: string } }>(
      "/api/v1/timeline",
      { config: { auth: "user" }, ...responds(timelineAnswer) },
      async (request) => {
        const { objectTypeId, objectId } = request.query;
        if (!objectTypeId || !objectId || !/^\d{1,15}$/.test(objectId))
          throw invalid("Give objectTypeId (e.g. 0-1) and objectId (the record's id) of the record whose timeline to read.");
        const { accountId } = request.user!;
        const t = await p.crm.types.resolve(accountId, objectTypeId);
        return { results: await recordTimeline(db, accountId, t.id, Number(objectId), TIMELINE_LIMIT) };
      },
    );
  };

/**
 * The app a templates path names, which must be the calling app (on HubSpot, its developer key's app) or, from the
 * console, an app of the signed-in account.
 */
async function ownApp(p: Platform, request: FastifyRequest, raw: string): Promise<number> {
  const caller = request.app!;
  const appId = /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
  if (appId !== undefined && appId === caller.appId) return appId;
  if (appId !== undefined && caller.appId === 0) {
    const owned = await p.store.db
      .selectFrom("private_apps")
      .select("id")
      .where("id", "=", appId)
      .where("account_id", "=", caller.accountId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (owned) return appId;
  }
  throw notFound(`No app ${raw} among this token's apps: an app reads its own event templates.`);
}

async function view(p: Platform, request: FastifyRequest, t: EventTemplate) {
  return templateView(t, await templateType(p, request.app!.accountId, t));
}
