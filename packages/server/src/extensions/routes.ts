import type { FastifyPluginAsync } from "fastify";
import type { Platform } from "../platform";
import { ApiError, notFound } from "../http/api-error";
import { loadBuildArtifact } from "../projects/build-artifact";
import { cardBundlePath, recordCards } from "./record-cards";

/** What the console's record pages need to host app cards: which cards, and their bundles. */
export const extensionRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: { objectTypeId?: string; objectType?: string } }>("/api/v1/record-cards", { config: { auth: "user" } }, async (request) => {
      const type = request.query.objectTypeId ?? request.query.objectType;
      if (!type) throw new ApiError(400, "VALIDATION_ERROR", "Give objectTypeId (e.g. 0-1) or objectType (e.g. contacts).");
      return { results: await recordCards(p.store.db, request.user!.accountId, type) };
    });

    app.get<{ Params: { appId: string; buildId: string; card: string } }>(
      "/api/v1/card-bundles/:appId/:buildId/:card",
      { config: { auth: "user" } },
      async (request, reply) => {
        const { accountId } = request.user!;
        const cardUid = request.params.card.replace(/\.js$/, "");
        const appId = Number(request.params.appId);
        const buildId = Number(request.params.buildId);
        const path = Number.isInteger(appId) && Number.isInteger(buildId) ? await cardBundlePath(p.store.db, accountId, appId, buildId, cardUid) : undefined;
        const source = path ? (await loadBuildArtifact(p.store.db, accountId, buildId))?.get(path) : undefined;
        if (!source) throw notFound(`No live card ${cardUid} in build ${request.params.buildId} of app ${request.params.appId}.`);
        // A build's bundle never changes: the URL names the build.
        return reply.type("text/javascript; charset=utf-8").header("cache-control", "private, max-age=31536000, immutable").header("x-content-type-options", "nosniff").send(source);
      },
    );
  };
