import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { oldTokensExpired, privateAppDetail, privateAppList, tokenReveal, tokenRotation, tokenRotationRequest, type PrivateAppSummary } from "@sprocket/contract";
import type { Platform } from "../platform";
import { responds } from "../http/response-schema";
import { ApiError, forbidden } from "../http/api-error";
import { absentAs, parseBody } from "../http/parse-body";
import { roleIn } from "../accounts/account-service";
import { recordSecurityEvent, listSecurityEvents, type Actor } from "../logs/security-events";
import { appComponents, findApp, listApps } from "./app-queries";
import { withEndpointUrl } from "../functions/endpoint-url";
import { expireOldTokens, resolveAppToken, revealAppToken, rotateAppToken, tokenState } from "./app-tokens";
import { deleteApp } from "./provision";
import { msUntilUtcMidnight } from "./rate-limits";

const actorOf = (request: FastifyRequest): Actor => ({
  userId: request.user?.userId ?? null,
  label: request.session?.email ?? (request.user ? `user ${request.user.userId} (CLI)` : "unknown"),
  address: request.ip,
});

function appView(app: { id: number; uid: string; name: string; description: string; scopes: string; project_id: number | null; active_build_id: number | null; created_at: number; updated_at: number }): PrivateAppSummary {
  return {
    appId: app.id,
    uid: app.uid,
    name: app.name,
    description: app.description,
    scopes: JSON.parse(app.scopes) as string[],
    projectId: app.project_id,
    activeBuildId: app.active_build_id,
    createdAt: new Date(app.created_at).toISOString(),
    updatedAt: new Date(app.updated_at).toISOString(),
  };
}

export const appRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    /** Only super admins see and manage private apps and their tokens, as in HubSpot. */
    async function requireSuperAdmin(request: FastifyRequest) {
      const user = request.user!;
      if ((await roleIn(p, user.accountId, user.userId)) !== "super_admin") {
        throw forbidden("Only super admins can manage private apps and see their tokens.");
      }
      return user;
    }

    app.post("/oauth/v2/private-apps/get/access-token-info", async (request) => {
      const { tokenKey } = parseBody(z.object({ tokenKey: z.string().min(1) }), request.body, "token introspection");
      const principal = await resolveAppToken(p, tokenKey);
      if (!principal) throw new ApiError(401, "INVALID_AUTHENTICATION", "The access token is unknown, expired or revoked.");
      const creator = await p.store.db
        .selectFrom("memberships")
        .select("user_id")
        .where("account_id", "=", principal.accountId)
        .where("role", "=", "super_admin")
        .orderBy("user_id")
        .executeTakeFirst();
      return { userId: creator?.user_id ?? 0, hubId: principal.accountId, appId: principal.appId, scopes: [...principal.scopes] };
    });

    app.get("/account-info/v3/api-usage/daily/private-apps", { config: { auth: "app" } }, async (request) => {
      const accountId = request.app!.accountId;
      const account = await p.store.db.selectFrom("accounts").select("api_limit_daily").where("id", "=", accountId).executeTakeFirstOrThrow();
      const now = p.clock.now();
      return {
        results: [
          {
            name: "private-apps-api-calls-daily",
            usageLimit: account.api_limit_daily,
            currentUsage: await p.limits.dailyUsage(accountId, account.api_limit_daily, now),
            collectedAt: new Date(now).toISOString(),
            fetchStatus: "SUCCESS",
            resetsAt: new Date(now + msUntilUtcMidnight(now)).toISOString(),
          },
        ],
      };
    });

    const user = { config: { auth: "user" as const } };

    app.get("/api/v1/private-apps", { ...user, ...responds(privateAppList) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const account = await p.store.db.selectFrom("accounts").select("max_private_apps").where("id", "=", accountId).executeTakeFirstOrThrow();
      const apps = await listApps(p.store.db, accountId);
      return { limit: account.max_private_apps, count: apps.length, results: apps.map(appView) };
    });

    app.get<{ Params: { app: string } }>("/api/v1/private-apps/:app", { ...user, ...responds(privateAppDetail) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const components = (await appComponents(p.store.db, found.id)).map((c) => (c.kind === "function" ? { ...c, config: withEndpointUrl(p, accountId, c.config) } : c));
      return { ...appView(found), token: await tokenState(p, found.id), components };
    });

    app.post<{ Params: { app: string } }>("/api/v1/private-apps/:app/token/reveal", { ...user, ...responds(tokenReveal) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const token = await revealAppToken(p, found.id);
      if (!token) throw new ApiError(404, "OBJECT_NOT_FOUND", "This app has no live token. Rotate it to create one.");
      await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, appId: found.id, type: "TOKEN_VIEWED", actor: actorOf(request) });
      return { token };
    });

    app.post<{ Params: { app: string } }>("/api/v1/private-apps/:app/token/rotate", { ...user, ...responds(tokenRotation) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const { mode } = parseBody(tokenRotationRequest, absentAs(request.body, {}), "token rotation");
      const found = await findApp(p.store.db, accountId, request.params.app);
      const token = await p.store.db.transaction().execute(async (trx) => {
        const fresh = await rotateAppToken(trx, p, found.id, accountId, mode);
        await recordSecurityEvent(trx, p.clock.now(), {
          accountId,
          appId: found.id,
          type: mode === "now" ? "TOKEN_ROTATED" : "TOKEN_ROTATED_LATER",
          actor: actorOf(request),
          details: mode === "later" ? { oldTokenValidForDays: 7 } : {},
        });
        return fresh;
      });
      return { token, mode, ...(await tokenState(p, found.id)) };
    });

    app.post<{ Params: { app: string } }>("/api/v1/private-apps/:app/token/expire-old", { ...user, ...responds(oldTokensExpired) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const expired = await expireOldTokens(p.store.db, p, found.id);
      if (expired > 0) await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, appId: found.id, type: "OLD_TOKEN_EXPIRED", actor: actorOf(request), details: { tokens: expired } });
      return { expired };
    });

    app.delete<{ Params: { app: string } }>("/api/v1/private-apps/:app", user, async (request, reply) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      await p.store.db.transaction().execute(async (trx) => {
        await deleteApp(trx, found.id, p.clock.now());
        await recordSecurityEvent(trx, p.clock.now(), { accountId, appId: found.id, type: "APP_DELETED", actor: actorOf(request), details: { uid: found.uid, name: found.name } });
      });
      return reply.status(204).send();
    });

    app.get<{ Params: { app: string } }>("/api/v1/private-apps/:app/security-events", user, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const rows = await listSecurityEvents(p.store.db, accountId, { appId: found.id });
      return { results: rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown, createdAt: new Date(r.created_at).toISOString() })) };
    });
  };
