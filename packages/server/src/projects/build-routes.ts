import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { build as buildSchema, buildPage, uploadResult } from "@sprocket/contract";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { parseRequestJson } from "../util/safe-json";
import { responds } from "../http/response-schema";
import type { ProjectsContext } from "./projects-context";
import { acceptUpload } from "./accept-upload";
import { readMultipartUpload } from "../http/multipart-upload";
import { requireProject, type ProjectRow } from "./project-lookup";
import { buildJson, selectBuildColumns } from "./build-json";
import { structureOf, type Subtask } from "./subtasks";
import { archiveFull } from "./archive-full";
import { requireDeploy } from "./deploy-json";
import { deployedComponents } from "./deployed-components";

// The CLI (bearer token) and the console (session cookie) use the same project API.
const signedIn = { config: { auth: "user" as const } };
// Changing what runs needs the develop permission (accounts/permissions.ts): deploying code reads the app's token and secrets.
const developing = { config: { auth: "user" as const, permission: "develop" as const } };
type BuildParams = { Params: { name: string; id: string } };

const buildNumber = (raw: string) => {
  if (!/^\d+$/.test(raw)) throw invalid(`Build id must be a positive whole number (got ${JSON.stringify(raw)}).`);
  return Number(raw);
};

const uploadRequest = z.object({
  projectName: z.string().min(1),
  buildMessage: z.string().optional(),
  skipAutoDeploy: z.boolean().optional(),
});

/** Uploads and builds: `dfs/v1/...` and `project-components-external/...`. */
export const buildRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    const { p } = ctx;
    const db = p.store.db;
    const requireBuild = async (project: ProjectRow, raw: string) => {
      const n = buildNumber(raw);
      const build = await selectBuildColumns(db).where("project_id", "=", project.id).where("build_number", "=", n).executeTakeFirst();
      if (!build) throw notFound(`Project "${project.name}" has no build ${n}.`);
      return build;
    };

    // Platform versions up to 2025.1.
    app.post<{ Params: { name: string } }>(
      "/dfs/v1/projects/upload/:name",
      { ...developing, ...responds(uploadResult) },
      async (request) => {
        const { file, fields } = await readMultipartUpload(request, "file");
        const dev = request.user!;
        const build = await acceptUpload(ctx, dev, {
          projectName: request.params.name,
          zip: file,
          // HubSpot's CLI leaves the field out when hsproject.json names no version; the validator then reads the oldest.
          platformVersion: fields.platformVersion ?? "",
          uploadMessage: fields.uploadMessage ?? "",
          skipAutoDeploy: fields.skipAutoDeploy === "true",
        });
        return {
          buildId: build.buildNumber,
          projectTree: null,
          buildStatusTaskLocator: {
            id: String(build.buildNumber),
            links: [{ status: `/dfs/v1/projects/${encodeURIComponent(build.project.name)}/builds/${build.buildNumber}/status` }],
          },
        };
      },
    );

    // 2025.2 and later: the CLI sends its translated components too; Sprocket validates the files itself.
    app.post("/project-components-external/v3/upload/new-api", developing, async (request) => {
      const { file, fields } = await readMultipartUpload(request, "projectFilesZip");
      let parsed: unknown;
      try {
        parsed = parseRequestJson(fields.uploadRequest ?? "");
      } catch (e) {
        if (e instanceof DomainError) throw e;
        throw invalid('The upload needs an "uploadRequest" field holding JSON with at least "projectName".');
      }
      const req = uploadRequest.safeParse(parsed);
      if (!req.success)
        throw invalid(`Invalid uploadRequest: ${req.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`);
      if (!fields.platformVersion) throw invalid('The upload needs a "platformVersion" field.');
      const build = await acceptUpload(ctx, request.user!, {
        projectName: req.data.projectName,
        zip: file,
        platformVersion: fields.platformVersion,
        uploadMessage: req.data.buildMessage ?? "",
        skipAutoDeploy: req.data.skipAutoDeploy === true,
      });
      return { createdBuildId: build.buildNumber };
    });

    app.get<{ Params: { name: string }; Querystring: { limit?: string; after?: string } }>(
      "/dfs/v1/projects/:name/builds",
      { ...signedIn, ...responds(buildPage) },
      async (request) => {
        const project = await requireProject(db, request.user!.accountId, request.params.name);
        const limit = Math.min(Math.max(Number(request.query.limit ?? 20) || 20, 1), 100);
        const after = request.query.after === undefined ? undefined : buildNumber(request.query.after);
        let query = selectBuildColumns(db).where("project_id", "=", project.id).where("status", "!=", "STAGED");
        if (after !== undefined) query = query.where("build_number", "<", after);
        const rows = await query
          .orderBy("build_number", "desc")
          .limit(limit + 1)
          .execute();
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const next = rows.length > limit && last ? String(last.build_number) : undefined;
        return {
          results: page.map((b) => buildJson(project, b)),
          ...(next
            ? {
                paging: {
                  next: { after: next, link: `/dfs/v1/projects/${encodeURIComponent(project.name)}/builds?limit=${limit}&after=${next}` },
                },
              }
            : {}),
        };
      },
    );

    for (const url of ["/dfs/v1/projects/:name/builds/:id", "/dfs/v1/projects/:name/builds/:id/status"]) {
      app.get<BuildParams>(url, { ...signedIn, ...responds(buildSchema) }, async (request) => {
        const project = await requireProject(db, request.user!.accountId, request.params.name);
        return buildJson(project, await requireBuild(project, request.params.id));
      });
    }

    app.get<BuildParams>("/dfs/v1/builds/by-project-name/:name/builds/:id/structure", signedIn, async (request) => {
      const project = await requireProject(db, request.user!.accountId, request.params.name);
      return structureOf(JSON.parse((await requireBuild(project, request.params.id)).subbuilds) as Subtask[]);
    });

    app.get<BuildParams>("/dfs/v1/projects/:name/builds/:id/archive-full", signedIn, async (request, reply) => {
      const zip = await archiveFull(p, request.user!.accountId, request.params.name, buildNumber(request.params.id));
      return reply
        .type("application/zip")
        .header(
          "content-disposition",
          `attachment; filename="${request.params.name.replace(/[^A-Za-z0-9._-]/g, "_")}-build-${request.params.id}.zip"`,
        )
        .send(zip);
    });

    app.get<{ Params: { name: string; kind: string; id: string } }>(
      "/dfs/logging/v1/logs/projects/:name/:kind/:id/combined/warn",
      signedIn,
      async (request) => {
        const { name, kind, id } = request.params;
        const project = await requireProject(db, request.user!.accountId, name);
        let subtasks: Subtask[];
        if (kind === "builds") subtasks = JSON.parse((await requireBuild(project, id)).subbuilds) as Subtask[];
        else if (kind === "deploys") subtasks = JSON.parse((await requireDeploy(db, project, buildNumber(id))).subdeploys) as Subtask[];
        else throw notFound(`No logs of kind ${kind}: use builds or deploys.`);
        const logs = subtasks.flatMap((s) =>
          (s.warnings ?? []).map((message) => ({
            message,
            logLevel: "WARN",
            lineNumber: 0,
            timestamp: s.finishedAt ?? 0,
            pipelineStepId: s.id,
          })),
        );
        return { logs };
      },
    );

    app.get<{ Params: { projectId: string } }>("/dfs/v1/projects-deployed-build/:projectId", signedIn, async (request) => {
      buildNumber(request.params.projectId); // refuses a non-numeric id with a 400, as before
      return deployedComponents(db, request.user!.accountId, request.params.projectId);
    });
  };
