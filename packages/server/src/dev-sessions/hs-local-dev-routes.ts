import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { notFound } from "../errors/domain-error";
import type { ProjectsContext } from "../projects/projects-context";
import { parseBody } from "../util/parse-body";

const developer = { config: { auth: "developer" as const } };
const installInfo = z.object({
  projectId: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/)]),
  sourceId: z.string().min(1),
  requiredScopeGroups: z.array(z.string()).default([]),
  optionalScopeGroups: z.array(z.string()).default([]),
});

/**
 * What `hs project dev` asks about the project's app before it starts its local dev servers (its AppDevModeInterface):
 * the deployed app by project and uid, its installs outside test accounts, and whether the testing account has it
 * installed with the scopes the local files ask for. Sprocket's apps belong to the account that deployed them, so a
 * deployed app is installed there; its scopes are the deployed build's.
 */
export const hsLocalDevRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    const db = ctx.p.store.db;
    const deployedApp = (accountId: number, projectId: number, uid: string) =>
      db
        .selectFrom("private_apps")
        .select(["id", "name", "scopes", "client_id"])
        .where("account_id", "=", accountId)
        .where("project_id", "=", projectId)
        .where("uid", "=", uid)
        .where("deleted_at", "is", null)
        .executeTakeFirst();

    app.get<{ Params: { projectId: string; uid: string } }>(
      "/apps-dev/external/public/v3/project-id/:projectId/source-id/:uid",
      developer,
      async (request) => {
        const { projectId, uid } = request.params;
        const found = /^\d{1,15}$/.test(projectId) ? await deployedApp(request.developer!.accountId, Number(projectId), uid) : undefined;
        if (!found) throw notFound(`Project ${projectId} has no deployed app "${uid}": upload and deploy the project first.`);
        return { id: Number(found.id), clientId: found.client_id, name: found.name, scopeGroupIds: [] };
      },
    );

    // Private apps have no marketplace installs to warn about.
    app.get("/apps-dev/external/public/v3/:appId/install-counts-without-test-portals", developer, async () => ({
      uniquePortalInstallCount: 0,
    }));

    app.post("/localdevauth/v1/auth/install-info", developer, async (request) => {
      const body = parseBody(installInfo, request.body, "the install check");
      const found = await deployedApp(request.developer!.accountId, Number(body.projectId), body.sourceId);
      const scopes = found ? (JSON.parse(found.scopes) as string[]) : [];
      const installed = found !== undefined && body.requiredScopeGroups.every((s) => scopes.includes(s));
      return { isInstalledWithScopeGroups: installed, previouslyAuthorizedScopeGroups: installed ? [] : scopes };
    });
  };
