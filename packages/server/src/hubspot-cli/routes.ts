import type { FastifyPluginAsync } from "fastify";
import { isLegacyPlatform } from "@sprocket/project-format";
import { z } from "zod";
import { invalid } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import type { ProjectsContext } from "../projects/projects-context";
import { readMultipartUpload } from "../http/multipart-upload";
import { componentSchemas } from "./component-schemas";
import { stageProjectDeletion } from "./stage-deletion";
import { cancelStagedBuild, changeStagedFile, checkPlatformVersion, provisionStagedBuild, queueStagedBuild } from "./staged-builds";

const developer = { config: { auth: "developer" as const } };
// Deleting projects and staging or queueing builds need the develop permission (accounts/permissions.ts).
const developing = { config: { auth: "developer" as const, permission: "develop" as const } };
type Named = { Params: { name: string }; Querystring: { platformVersion?: string } };
type StagedFile = { Params: { name: string; "*": string } };

/** What HubSpot's own `hs` CLI calls beyond the project API: its alarm check, usage events, schemas, deletion and watch's staged builds. */
export const hubspotCliRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    // Every command first asks for outage notices; Sprocket has none to give.
    app.get("/firealarm/v4/alarm/hubspot-cli/:accountId", developer, async () => []);

    // Usage events (sent unless ALLOW_USAGE_TRACKING=false): accepted and dropped, Sprocket collects none.
    app.post("/content/filemapper/v1/cms-cli-usage/authenticated", developer, async (_request, reply) => reply.status(204).send());
    app.post("/content/filemapper/v1/cms-cli-usage", async (_request, reply) => reply.status(204).send());

    app.get<{ Params: { version: string } }>("/project-components-external/project-schemas/v3/:version", developer, async (request) => {
      const version = checkPlatformVersion(request.params.version);
      if (isLegacyPlatform(version))
        throw invalid(`Platform version ${version} has no component schemas: its projects use app.json, card JSON and serverless.json.`);
      return componentSchemas;
    });

    // `hs project delete` asks how many installs of public apps the project has; Sprocket hosts private apps only.
    app.get("/apps-dev/external/public/v3/full/portal", developer, async () => ({ results: [] }));

    app.post("/dfs/deploy/v3/deploys/delete", developing, async (request) => {
      const body = parseBody(
        z.object({ projectName: z.string().min(1), dryRun: z.boolean().default(false) }),
        request.body,
        "the deletion",
      );
      return stageProjectDeletion(ctx, request.developer!, body.projectName, body.dryRun);
    });

    app.post<Named>("/dfs/v1/projects/:name/builds/staged/provision", developing, async (request) =>
      provisionStagedBuild(ctx, request.developer!, request.params.name, checkPlatformVersion(request.query.platformVersion)),
    );

    // The CLI encodes the whole path into one segment; a client that sends slashes reaches the same file.
    app.put<StagedFile>("/dfs/v1/projects/:name/builds/staged/files/*", developing, async (request, reply) => {
      const { file } = await readMultipartUpload(request, "file");
      await changeStagedFile(ctx, request.developer!, request.params.name, request.params["*"], file);
      return reply.status(204).send();
    });
    app.delete<StagedFile>("/dfs/v1/projects/:name/builds/staged/files/*", developing, async (request, reply) => {
      await changeStagedFile(ctx, request.developer!, request.params.name, request.params["*"], undefined);
      return reply.status(204).send();
    });

    app.post<Named>("/dfs/v1/projects/:name/builds/staged/queue", developing, async (request) => {
      const version = request.query.platformVersion === undefined ? undefined : checkPlatformVersion(request.query.platformVersion);
      return queueStagedBuild(ctx, request.developer!, request.params.name, version);
    });

    app.post<Named>("/dfs/v1/projects/:name/builds/staged/cancel", developing, async (request, reply) => {
      await cancelStagedBuild(ctx, request.developer!, request.params.name);
      return reply.status(204).send();
    });
  };
