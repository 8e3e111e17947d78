import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { invalid, notFound } from "../errors/domain-error";
import { readMultipartUpload } from "../http/multipart-upload";
import type { ProjectsContext } from "../projects/projects-context";
import { requireProject } from "../projects/project-lookup";
import { parseBody } from "../util/parse-body";
import { devSessionList } from "@sprocket/contract";
import { responds } from "../http/response-schema";
import { closeDevSession, devBundleSource, heartbeat, openDevSession, projectDevSessions, type DevSessionOwner } from "./sessions";
import { pushSources } from "./push-sources";

const developing = { config: { auth: "developer" as const, permission: "develop" as const } };
type Session = { Params: { id: string } };

/** Ids as the URL carries them: digits, short enough for every engine's integer columns. */
const ID = /^\d{1,15}$/;
const sessionId = (raw: string) => {
  if (!ID.test(raw)) throw invalid(`"${raw}" is not a dev session id: give the number the session was opened with.`);
  return Number(raw);
};

const changedFiles = z.array(z.string().min(1).max(1024)).max(10_000);
const hsRegistration = z.object({
  ports: z.array(z.object({ serverId: z.string().min(1).max(200), port: z.number().int().min(1).max(65_535) })).max(100),
});

/**
 * Dev sessions: `sprocket project dev` opens one for a project and pushes its sources on each save; `hs project dev`
 * registers its local dev servers' ports (HubSpot's `projects-localdev/2025-09/dev-sessions` API). While a session is
 * open, the account's record and app pages load its bundles instead of the live build's (see docs/functions.md).
 */
export const devSessionRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    const db = ctx.p.store.db;
    const now = () => ctx.p.clock.now();
    const owner = (request: { developer?: { accountId: number; userId: number } }): DevSessionOwner => ({
      accountId: request.developer!.accountId,
      userId: request.developer!.userId,
    });
    const close = async (who: DevSessionOwner, id: number) => {
      const closed = await closeDevSession(db, who, id, now());
      if (!closed) return;
      const apps = closed.kind === "hubspot" ? [null] : closed.apps;
      for (const appId of apps) await ctx.p.cluster.announceDevSession({ accountId: who.accountId, appId, sessionId: id });
    };

    app.post<{ Params: { name: string } }>("/api/v1/projects/:name/dev-sessions", developing, async (request, reply) => {
      const who = owner(request);
      const project = await requireProject(db, who.accountId, request.params.name);
      if (project.deployed_build_id === null)
        throw invalid(
          `Project "${project.name}" has no deployed build: deploy it once (\`sprocket project upload\`), then start the dev session.`,
        );
      return reply.status(201).send(await openDevSession(db, who, { kind: "sprocket", projectId: project.id, ports: [], now: now() }));
    });

    // The build history's dev session entries: one per session, not one per save.
    app.get<{ Params: { name: string } }>(
      "/api/v1/projects/:name/dev-sessions",
      { config: { auth: "user" }, ...responds(devSessionList) },
      async (request) => {
        const project = await requireProject(db, request.user!.accountId, request.params.name);
        return { results: await projectDevSessions(db, project.id, now(), 20) };
      },
    );

    app.post<Session>("/api/v1/dev-sessions/:id/heartbeat", developing, async (request) =>
      heartbeat(db, owner(request), sessionId(request.params.id), now()),
    );

    // The project's srcDir zipped as for an upload, `platformVersion`, and `changed`: a JSON list of the files saved.
    app.post<Session>("/api/v1/dev-sessions/:id/sources", developing, async (request) => {
      const { file, fields } = await readMultipartUpload(request, "file");
      let changed: string[] | undefined;
      if (fields.changed !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(fields.changed);
        } catch {
          throw invalid('"changed" must be a JSON list of the project files saved, e.g. ["app/cards/Card.jsx"].');
        }
        changed = parseBody(changedFiles, parsed, "the changed files");
      }
      return pushSources(ctx, owner(request), sessionId(request.params.id), {
        zip: file,
        platformVersion: fields.platformVersion ?? "",
        ...(changed ? { changed } : {}),
      });
    });

    app.delete<Session>("/api/v1/dev-sessions/:id", developing, async (request, reply) => {
      await close(owner(request), sessionId(request.params.id));
      return reply.status(204).send();
    });

    app.get<{ Params: { sessionId: string; appId: string; uid: string; version: string } }>(
      "/api/v1/dev-session-bundles/:sessionId/:appId/:uid/:version",
      { config: { auth: "user" } },
      async (request, reply) => {
        const { sessionId: s, appId, uid, version } = request.params;
        const numbers = [s, appId, version.replace(/\.js$/, "")];
        const source = numbers.every((n) => ID.test(n))
          ? await devBundleSource(
              db,
              request.user!.accountId,
              { sessionId: Number(numbers[0]), appId: Number(numbers[1]), uid, version: Number(numbers[2]) },
              now(),
            )
          : undefined;
        if (!source) throw notFound(`No bundle ${uid} version ${version} in an open dev session ${s} of app ${appId}.`);
        // A version's bytes never change: the URL names the version.
        return reply
          .type("text/javascript; charset=utf-8")
          .header("cache-control", "private, max-age=31536000, immutable")
          .header("x-content-type-options", "nosniff")
          .send(source);
      },
    );

    // HubSpot's CLI: `hs project dev` asks this before anything else and stops when it is not true.
    app.get(
      "/developer-tooling/external/developer-portal/has-unified-dev-platform-access",
      { config: { auth: "developer" } },
      async () => true,
    );

    app.post("/projects-localdev/2025-09/dev-sessions/register", developing, async (request) => {
      const { ports } = parseBody(hsRegistration, request.body, "the dev session registration");
      const who = owner(request);
      const opened = await openDevSession(db, who, { kind: "hubspot", projectId: null, ports, now: now() });
      // The developer's open record pages learn of the local dev server and load its bundles.
      await ctx.p.cluster.announceDevSession({ accountId: who.accountId, appId: null, sessionId: opened.sessionId });
      return { sessionId: opened.sessionId };
    });
    app.post<Session>("/projects-localdev/2025-09/dev-sessions/:id/heartbeat", developing, async (request) => {
      await heartbeat(db, owner(request), sessionId(request.params.id), now());
      return {};
    });
    app.delete<Session>("/projects-localdev/2025-09/dev-sessions/:id", developing, async (request, reply) => {
      await close(owner(request), sessionId(request.params.id));
      return reply.status(204).send();
    });
  };
