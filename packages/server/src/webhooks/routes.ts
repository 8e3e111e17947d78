import type { FastifyPluginAsync } from "fastify";
import type { Selectable } from "kysely";
import { z } from "zod";
import { webhookDeliveryPage, type WebhookDelivery } from "@sprocket/contract";
import type { Platform } from "../platform";
import { forbidden } from "../errors/domain-error";
import { roleIn } from "../accounts/account-service";
import { findApp } from "../apps/app-queries";
import { EventStreams } from "../http/event-stream";
import { responds } from "../http/response-schema";
import { parseBody } from "../util/parse-body";
import type { WebhookDeliveriesTable } from "./tables";

const listQuery = z
  .object({
    outcome: z.enum(["delivered", "retrying", "failed"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The id of the last row of the previous page. */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** Deliveries are written by the delivery job's own transaction, not through the log sink: a follower polls for them. */
const FOLLOW_POLL_MS = 500;

function deliveryView(r: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: String(r.id),
    componentUid: r.component_uid,
    targetUrl: r.target_url,
    attempt: r.attempt,
    outcome: r.outcome,
    status: r.status,
    latencyMs: Number(r.duration_ms),
    error: r.error,
    eventCount: r.event_count,
    events: JSON.parse(r.events) as unknown[],
    traceId: r.trace_id,
    spanId: r.span_id,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  };
}

/** The app's Webhooks log: every try of every delivery, newest first, and a live follow (super admins only, as the other logs). */
export const webhookRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const streams = new EventStreams();
    app.addHook("preClose", async () => streams.endAll());

    const appOf = async (accountId: number, userId: number, appRef: string) => {
      if ((await roleIn(p, accountId, userId)) !== "super_admin") throw forbidden("Only super admins can read private app logs.");
      return findApp(p.store.db, accountId, appRef);
    };

    app.get<{ Params: { appId: string } }>(
      "/api/v1/private-apps/:appId/logs/webhooks",
      { config: { auth: "user" }, ...responds(webhookDeliveryPage) },
      async (request) => {
        const { accountId, userId } = request.user!;
        const found = await appOf(accountId, userId, request.params.appId);
        const query = parseBody(listQuery, request.query, "the query");
        let q = p.store.db.selectFrom("webhook_deliveries").selectAll().where("app_id", "=", found.id).where("account_id", "=", accountId);
        if (query.outcome) q = q.where("outcome", "=", query.outcome);
        if (query.before) q = q.where("id", "<", query.before);
        const rows = await q
          .orderBy("id", "desc")
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        return {
          results: page.map(deliveryView),
          ...(rows.length > query.limit ? { paging: { next: { before: String(page.at(-1)!.id) } } } : {}),
        };
      },
    );

    // Server-sent events: `event: webhook` per try stored after the comment line that starts the stream.
    app.get<{ Params: { appId: string } }>(
      "/api/v1/private-apps/:appId/logs/webhooks/stream",
      { config: { auth: "user" } },
      async (request, reply) => {
        const { accountId, userId } = request.user!;
        const found = await appOf(accountId, userId, request.params.appId);
        const newer = (after: number) =>
          p.store.db
            .selectFrom("webhook_deliveries")
            .selectAll()
            .where("app_id", "=", found.id)
            .where("account_id", "=", accountId)
            .where("id", ">", after)
            .orderBy("id")
            .limit(500);
        // Taken before the comment line goes out: a try stored after a client saw it must come after this id.
        const latest = await p.store.db
          .selectFrom("webhook_deliveries")
          .select((eb) => eb.fn.max("id").as("id"))
          .where("app_id", "=", found.id)
          .executeTakeFirst();
        let lastId = Number(latest?.id ?? 0);
        const stream = streams.start(reply, "following");
        let polling = false;
        const poll = setInterval(async () => {
          if (polling) return;
          polling = true;
          try {
            for (const row of await newer(lastId).execute()) {
              lastId = Math.max(lastId, row.id);
              stream.send("webhook", deliveryView(row), String(row.id));
            }
          } catch (e) {
            p.logs.onError(e, "webhooks follow");
          } finally {
            polling = false;
          }
        }, FOLLOW_POLL_MS).unref();
        stream.onClose(() => clearInterval(poll));
      },
    );
  };
