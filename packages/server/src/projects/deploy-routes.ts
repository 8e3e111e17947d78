import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { deploy, deployPage, deployRequest, queuedDeploy } from "@sprocket/contract";
import { parseBody } from "../util/parse-body";
import { invalid } from "../errors/domain-error";
import { responds } from "../http/response-schema";
import type { ProjectsContext } from "./projects-context";
import { componentTypeName } from "../apps/provision";
import { describeRemoval, queueDeploy, removalWarning } from "./queue-deploy";
import { requireProject } from "./project-lookup";
import { deployJson, requireDeploy, selectDeploys } from "./deploy-json";
import { structureOf, type Subtask } from "./subtasks";

// The CLI (bearer token) and the console (session cookie) use the same project API.
const signedIn = { config: { auth: "user" as const } };
// Changing what runs needs the develop permission (accounts/permissions.ts): deploying code reads the app's token and secrets.
const developing = { config: { auth: "user" as const, permission: "develop" as const } };
type DeployParams = { Params: { name: string; id: string } };

const deployId = (raw: string) => {
  if (!/^\d+$/.test(raw)) throw invalid(`Deploy id must be a positive whole number (got ${JSON.stringify(raw)}).`);
  return Number(raw);
};
const statusLink = (name: string, id: number) => `/dfs/deploy/v1/deploy-status/projects/${encodeURIComponent(name)}/deploys/${id}`;

/** Deploy queue (v1 and v3), status and structure: `dfs/deploy/...`. */
export const deployRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    const db = ctx.p.store.db;

    app.post("/dfs/deploy/v1/deploys/queue/async", { ...developing, ...responds(queuedDeploy) }, async (request) => {
      const body = parseBody(deployRequest, request.body, "the deploy");
      const result = await queueDeploy(ctx, request.user!, {
        projectName: body.projectName,
        buildNumber: body.buildId,
        allowRemovals: body.skipRemovalWarning === true,
      });
      if (!result.queued) throw removalWarning(result.removals);
      return { id: result.deployId, links: { status: statusLink(body.projectName, result.deployId) } };
    });

    app.post("/dfs/deploy/v3/deploys/queue/async", developing, async (request) => {
      const body = parseBody(
        z.object({
          projectName: z.string().min(1),
          targetBuildId: z.coerce.number().int().positive(),
          ignoreWarnings: z.boolean().optional(),
        }),
        request.body,
        "the deploy",
      );
      const result = await queueDeploy(ctx, request.user!, {
        projectName: body.projectName,
        buildNumber: body.targetBuildId,
        allowRemovals: body.ignoreWarnings === true,
      });
      if (result.queued)
        return {
          id: String(result.deployId),
          buildResultType: "DEPLOY_QUEUED",
          links: { status: statusLink(body.projectName, result.deployId) },
        };
      return {
        buildResultType: "DEPLOY_BLOCKED",
        issues: result.removals.map((r) => ({
          uid: r.kind === "app" ? r.uid : r.name,
          componentTypeName: componentTypeName(r.kind),
          errorMessages: [],
          blockingMessages: [{ message: `This deploy would remove ${describeRemoval(r)}.`, isWarning: true }],
        })),
      };
    });

    // Sprocket's addition (HubSpot has no deploy list): the console's deploy history, newest first, paged like builds.
    app.get<{ Params: { name: string }; Querystring: { limit?: string; after?: string } }>(
      "/dfs/deploy/v1/deploys/by-project-name/:name/deploys",
      { ...signedIn, ...responds(deployPage) },
      async (request) => {
        const project = await requireProject(db, request.user!.accountId, request.params.name);
        const limit = Math.min(Math.max(Number(request.query.limit ?? 20) || 20, 1), 100);
        let query = selectDeploys(db, project);
        if (request.query.after !== undefined) query = query.where("deploys.id", "<", deployId(request.query.after));
        const rows = await query
          .orderBy("deploys.id", "desc")
          .limit(limit + 1)
          .execute();
        const page = rows.slice(0, limit);
        const next = rows.length > limit ? String(page[page.length - 1]!.id) : undefined;
        return { results: page.map((d) => deployJson(project, d)), ...(next ? { paging: { next: { after: next } } } : {}) };
      },
    );

    app.get<DeployParams>(
      "/dfs/deploy/v1/deploy-status/projects/:name/deploys/:id",
      { ...signedIn, ...responds(deploy) },
      async (request) => {
        const project = await requireProject(db, request.user!.accountId, request.params.name);
        return deployJson(project, await requireDeploy(db, project, deployId(request.params.id)));
      },
    );

    app.get<DeployParams>("/dfs/deploy/v1/deploys/by-project-name/:name/deploys/:id/structure", signedIn, async (request) => {
      const project = await requireProject(db, request.user!.accountId, request.params.name);
      return structureOf(JSON.parse((await requireDeploy(db, project, deployId(request.params.id))).subdeploys) as Subtask[]);
    });
  };
