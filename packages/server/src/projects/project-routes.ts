import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { linkedProject, project as projectSchema, projectList, projectSettings } from "@sprocket/contract";
import { parseBody } from "../util/parse-body";
import { responds } from "../http/response-schema";
import { platformVersions } from "@sprocket/project-format";
import type { ProjectsContext } from "./projects-context";
import { createProject } from "./create-project";
import { deleteProject } from "./delete-project";
import { getProjectSettings, updateProjectSettings } from "./project-settings";
import { projectJson } from "./project-json";
import { listProjects, requireProject } from "./project-lookup";
import { gitWebhookPath, linkRepository, unlinkRepository } from "./git-link";

// The CLI (bearer token) and the console (session cookie) use the same project API.
const signedIn = { config: { auth: "user" as const } };
// Changing what runs needs the develop permission (accounts/permissions.ts): deploying code reads the app's token and secrets.
const developing = { config: { auth: "user" as const, permission: "develop" as const } };
type Named = { Params: { name: string } };

/** `developer/projects/v1`: projects of the token's account. */
export const projectRoutes =
  ({ p }: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    app.get("/developer/projects/v1", { ...signedIn, ...responds(projectList) }, async (request) => {
      const rows = await listProjects(p.store.db, request.user!.accountId);
      return { results: await Promise.all(rows.map((r) => projectJson(p.store.db, r))) };
    });

    app.post("/developer/projects/v1", { ...developing, ...responds(projectSchema, 201) }, async (request, reply) => {
      const { name } = parseBody(z.object({ name: z.string() }), request.body, "the new project");
      const project = await createProject(p, request.user!.accountId, name);
      return reply.status(201).send(await projectJson(p.store.db, project));
    });

    app.get("/developer/projects/v1/platformVersion", signedIn, async () => ({
      defaultPlatformVersion: "2025.2",
      activePlatformVersions: platformVersions.filter((v) => v !== "unstable"),
    }));

    app.get<Named>("/developer/projects/v1/by-name/:name", { ...signedIn, ...responds(projectSchema) }, async (request) =>
      projectJson(p.store.db, await requireProject(p.store.db, request.user!.accountId, request.params.name)),
    );

    app.delete<Named>("/developer/projects/v1/:name", developing, async (request, reply) => {
      await deleteProject(p, request.user!.accountId, request.params.name);
      return reply.status(204).send();
    });

    app.get<Named>("/developer/projects/v1/:name/settings", { ...signedIn, ...responds(projectSettings) }, async (request) =>
      getProjectSettings(p, request.user!.accountId, request.params.name),
    );
    for (const method of ["PUT", "PATCH"] as const) {
      app.route<Named>({
        method,
        url: "/developer/projects/v1/:name/settings",
        ...developing,
        ...responds(projectSettings),
        handler: async (request) => {
          const body = parseBody(projectSettings, request.body, "the project settings");
          return updateProjectSettings(p, request.user!.accountId, request.params.name, body);
        },
      });
    }

    // Sprocket's own: link the project to a git repository (HubSpot does this in its UI only).
    app.put<Named>("/developer/projects/v1/:name/source-integration", { ...developing, ...responds(linkedProject) }, async (request) => {
      const body = parseBody(
        z.object({ repositoryUrl: z.string().min(1), branch: z.string().min(1).default("main"), webhookSecret: z.string() }),
        request.body,
        "the repository link",
      );
      const accountId = request.user!.accountId;
      await linkRepository(p, accountId, request.params.name, body);
      const project = await requireProject(p.store.db, accountId, request.params.name);
      const base = p.config.publicUrl ?? `${request.protocol}://${request.host}`;
      return { ...(await projectJson(p.store.db, project)), webhookUrl: `${base}${gitWebhookPath(project.id)}` };
    });
    app.delete<Named>("/developer/projects/v1/:name/source-integration", developing, async (request, reply) => {
      await unlinkRepository(p, request.user!.accountId, request.params.name);
      return reply.status(204).send();
    });
  };
