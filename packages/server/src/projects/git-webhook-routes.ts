import type { FastifyPluginAsync } from "fastify";
import type { ProjectsContext } from "./projects-context";
import { handleGitPush } from "./git-push";

/** The push webhook of linked projects: no bearer token, the HMAC signature of the raw body is the proof. */
export const gitWebhookRoutes =
  (ctx: ProjectsContext): FastifyPluginAsync =>
  async (app) => {
    // The signature covers the exact bytes, so this scope keeps bodies raw.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 25 * 1024 * 1024 }, (_req, body, done) => done(null, body));

    app.post<{ Params: { projectId: string } }>("/git-webhooks/v1/projects/:projectId", async (request, reply) => {
      const id = /^\d+$/.test(request.params.projectId) ? Number(request.params.projectId) : -1;
      const header = (name: string) => {
        const v = request.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const outcome = await handleGitPush(ctx, id, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), {
        signature: header("x-hub-signature-256"),
        event: header("x-github-event"),
      });
      return reply
        .status(202)
        .send(outcome.built ? { built: true, buildId: outcome.buildNumber } : { built: false, reason: outcome.reason });
    });
  };
