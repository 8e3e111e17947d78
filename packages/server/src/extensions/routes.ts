import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { parseBody } from "../http/parse-body";
import { ApiError, notFound } from "../http/api-error";
import { loadBuildArtifact } from "../projects/build-artifact";
import { cardBundlePath, cardViewer, recordCards } from "./record-cards";
import { mapCardStack } from "./card-stacks";
import { LiveBuildWatch } from "./live-builds";

/** How often open record pages' apps are checked for a new live build: a deploy shows within about this long. */
const LIVE_BUILD_POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** A card's stack as its worker reports it (the console cuts none; 16 KB is far more than V8's ten frames). */
const cardStack = z.object({ stack: z.string().max(16 * 1024) }).strict();

/** What the console's record pages need to host app cards: which cards, who views them, their bundles, and when they change. */
export const extensionRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const liveBuilds = new LiveBuildWatch(p.store.db, LIVE_BUILD_POLL_MS, (error) => app.log.error({ err: error }, "live build watch"));
    const streams = new Set<() => void>();
    app.addHook("preClose", async () => {
      for (const end of streams) end();
      liveBuilds.stop();
    });

    app.get<{ Querystring: { objectTypeId?: string; objectType?: string } }>("/api/v1/record-cards", { config: { auth: "user" } }, async (request) => {
      const type = request.query.objectTypeId ?? request.query.objectType;
      if (!type) throw new ApiError(400, "VALIDATION_ERROR", "Give objectTypeId (e.g. 0-1) or objectType (e.g. contacts).");
      const { accountId, userId } = request.user!;
      const [results, viewer] = await Promise.all([recordCards(p.store.db, accountId, type), cardViewer(p.store.db, accountId, userId)]);
      return { results, ...viewer };
    });

    // Server-sent events: `event: build` with {appId, buildId, previousBuildId} whenever an app of the account goes live
    // with another build (or goes away). A comment goes out first, so the page knows it is subscribed.
    app.get("/api/v1/record-cards/stream", { config: { auth: "user" } }, async (request, reply) => {
      const { accountId } = request.user!;
      const unsubscribe = await liveBuilds.subscribe(accountId, (change) => res.write(`event: build\ndata: ${JSON.stringify(change)}\n\n`));
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
      res.write(": watching live builds\n\n");
      const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS).unref();
      const end = () => res.end();
      streams.add(end);
      res.on("close", () => {
        streams.delete(end);
        clearInterval(heartbeat);
        unsubscribe();
      });
    });

    // A failed card's stack for its details on the record page, in the project's files (the same mapping as the
    // Extensions log's copy, see logs/extension-events.ts).
    app.post("/api/v1/card-stacks", { config: { auth: "session" } }, async (request) => {
      const { stack } = parseBody(cardStack, request.body, "the card stack");
      return { stack: await mapCardStack(p, request.user!.accountId, stack) };
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
