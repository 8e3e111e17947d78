import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  clientSecretReveal,
  oldTokensExpired,
  privateAppDetail,
  privateAppList,
  tokenReveal,
  tokenRotation,
  tokenRotationRequest,
  type PrivateAppSummary,
} from "@sprocket/contract";
import type { Platform } from "../platform";
import { responds } from "../http/response-schema";
import { actorLabel } from "../http/authenticate";
import { forbidden } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import { roleIn } from "../accounts/account-service";
import { listSecurityEvents, type Actor } from "../logs/security-events";
import { appComponents, findApp, listApps, projectBuildNumbers, projectRefs } from "./app-queries";
import { withEndpointUrl } from "../functions/endpoint-url";
import { tokenState } from "./app-tokens";
import type { Selectable } from "kysely";
import type { PrivateAppsTable } from "./tables";
import { authView } from "../oauth/auth-view";
import {
  appLimitOf,
  dailyApiUsage,
  expireOldToken,
  introspectToken,
  removeApp,
  revealClientSecret,
  revealToken,
  rotateClientSecret,
  rotateToken,
} from "./app-admin";

export const actorOf = (request: FastifyRequest): Actor => ({
  userId: request.user?.userId ?? null,
  label: request.user ? actorLabel(request.user) : "unknown",
  address: request.ip,
});

function appView(app: Selectable<PrivateAppsTable>, refs: Awaited<ReturnType<typeof projectRefs>>): PrivateAppSummary {
  return {
    appId: app.id,
    uid: app.uid,
    name: app.name,
    description: app.description,
    scopes: JSON.parse(app.scopes) as string[],
    projectId: app.project_id,
    projectName: refs.projectName(app.project_id),
    activeBuildId: app.active_build_id,
    activeBuildNumber: refs.buildNumber(app.active_build_id),
    createdAt: new Date(app.created_at).toISOString(),
    updatedAt: new Date(app.updated_at).toISOString(),
    auth: authView(app),
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
      return introspectToken(p, tokenKey);
    });

    app.get("/account-info/v3/api-usage/daily/private-apps", { config: { auth: "app" } }, async (request) => {
      const usage = await dailyApiUsage(p, request.app!.accountId);
      return {
        results: [
          {
            name: "private-apps-api-calls-daily",
            usageLimit: usage.usageLimit,
            currentUsage: usage.currentUsage,
            collectedAt: new Date(usage.collectedAt).toISOString(),
            fetchStatus: "SUCCESS",
            resetsAt: new Date(usage.resetsAt).toISOString(),
          },
        ],
      };
    });

    const user = { config: { auth: "user" as const } };

    app.get("/api/v1/private-apps", { ...user, ...responds(privateAppList) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const apps = await listApps(p.store.db, accountId);
      const refs = await projectRefs(p.store.db, apps);
      return { limit: await appLimitOf(p, accountId), count: apps.length, results: apps.map((a) => appView(a, refs)) };
    });

    app.get<{ Params: { app: string } }>("/api/v1/private-apps/:app", { ...user, ...responds(privateAppDetail) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const components = (await appComponents(p.store.db, found.id)).map((c) =>
        c.kind === "function" ? { ...c, config: withEndpointUrl(p, accountId, c.config) } : c,
      );
      return {
        ...appView(found, await projectRefs(p.store.db, [found])),
        token: await tokenState(p, found.id),
        components,
        builds: await projectBuildNumbers(p.store.db, found.project_id),
      };
    });

    app.post<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/token/reveal",
      { ...user, ...responds(tokenReveal) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const token = await revealToken(p, accountId, request.params.app, actorOf(request));
        return { token };
      },
    );

    // The key the app's backend checks X-HubSpot-Signature-v3 with (hubspot.fetch requests), as on HubSpot's Auth tab.
    app.post<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/client-secret/reveal",
      { ...user, ...responds(clientSecretReveal) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        return { clientSecret: await revealClientSecret(p, accountId, request.params.app, actorOf(request)) };
      },
    );

    // OAuth apps' backends authenticate to /oauth/v1/token with it: rotating it stops the old one at once.
    app.post<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/client-secret/rotate",
      { ...user, ...responds(clientSecretReveal) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        return { clientSecret: await rotateClientSecret(p, accountId, request.params.app, actorOf(request)) };
      },
    );

    app.post<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/token/rotate",
      { ...user, ...responds(tokenRotation) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const { mode } = parseBody(tokenRotationRequest, absentAs(request.body, {}), "token rotation");
        const { token, state } = await rotateToken(p, accountId, request.params.app, mode, actorOf(request));
        return { token, mode, ...state };
      },
    );

    app.post<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/token/expire-old",
      { ...user, ...responds(oldTokensExpired) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const expired = await expireOldToken(p, accountId, request.params.app, actorOf(request));
        return { expired };
      },
    );

    app.delete<{ Params: { app: string } }>("/api/v1/private-apps/:app", user, async (request, reply) => {
      const { accountId } = await requireSuperAdmin(request);
      await removeApp(p, accountId, request.params.app, actorOf(request));
      return reply.status(204).send();
    });

    app.get<{ Params: { app: string } }>("/api/v1/private-apps/:app/security-events", user, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      const found = await findApp(p.store.db, accountId, request.params.app);
      const rows = await listSecurityEvents(p.store.db, accountId, { appId: found.id });
      return {
        results: rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown, createdAt: new Date(r.created_at).toISOString() })),
      };
    });
  };
