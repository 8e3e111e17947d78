import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { forbidden } from "../errors/domain-error";
import { roleIn } from "../accounts/account-service";
import { findApp } from "../apps/app-queries";
import { parseBody } from "../util/parse-body";

const listQuery = z
  .object({
    outcome: z.enum(["delivered", "retrying", "failed"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The id of the last row of the previous page. */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** The app's Webhooks log: every try of every delivery, newest first (super admins only, as the other logs). */
export const webhookRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { appId: string } }>("/api/v1/private-apps/:appId/logs/webhooks", { config: { auth: "user" } }, async (request) => {
      const { accountId, userId } = request.user!;
      if ((await roleIn(p, accountId, userId)) !== "super_admin") throw forbidden("Only super admins can read private app logs.");
      const found = await findApp(p.store.db, accountId, request.params.appId);
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
        results: page.map((r) => ({
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
        })),
        ...(rows.length > query.limit ? { paging: { next: { before: String(page.at(-1)!.id) } } } : {}),
      };
    });
  };
