import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError, notFound } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { loadBuildArtifact } from "../projects/build-artifact";
import { cardBundlePath, cardViewer, recordCards } from "./record-cards";
import { appPagesAnswer } from "@sprocket/contract";
import { responds } from "../http/response-schema";
import { appPages } from "./app-pages";
import { mapCardStack } from "./card-stacks";
import { EventStreams } from "../http/event-stream";
import { localDevServers } from "../dev-sessions/sessions";

/** A card's stack as its worker reports it (the console cuts none; 16 KB is far more than V8's ten frames). */
const cardStack = z.object({ stack: z.string().max(16 * 1024) }).strict();

/**
 * What the console needs to host app cards, app pages and settings pages: which there are, who views them, their
 * bundles, and when they change.
 */
export const extensionRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const streams = new EventStreams();
    app.addHook("preClose", async () => streams.endAll());

    app.get<{ Querystring: { objectTypeId?: string; objectType?: string } }>(
      "/api/v1/record-cards",
      { config: { auth: "user" } },
      async (request) => {
        const type = request.query.objectTypeId ?? request.query.objectType;
        if (!type) throw new DomainError("invalid", "Give objectTypeId (e.g. 0-1) or objectType (e.g. contacts).");
        const { accountId, userId } = request.user!;
        const now = p.clock.now();
        const [results, viewer, devServers] = await Promise.all([
          recordCards(p, accountId, type, now),
          cardViewer(p.store.db, accountId, userId),
          localDevServers(p.store.db, accountId, userId, now),
        ]);
        return { results, ...viewer, localDevServers: devServers };
      },
    );

    // App home pages and settings pages of the account's apps (or of one, `?appId=`), with who views them.
    app.get<{ Querystring: { appId?: string } }>(
      "/api/v1/app-pages",
      { config: { auth: "user" }, ...responds(appPagesAnswer) },
      async (request) => {
        const { appId } = request.query;
        if (appId !== undefined && !/^\d+$/.test(appId))
          throw new DomainError("invalid", `"${appId}" is not an app id: give the number from the app list.`);
        const { accountId, userId } = request.user!;
        const [results, viewer] = await Promise.all([
          appPages(p.store.db, accountId, p.clock.now(), appId === undefined ? undefined : Number(appId)),
          cardViewer(p.store.db, accountId, userId),
        ]);
        return { results, ...viewer };
      },
    );

    // Server-sent events: `event: build` with {appId, buildId, previousBuildId} whenever an app of the account goes live
    // with another build (or goes away), and `event: dev` with {appId, sessionId} when a dev session serves an app's
    // cards or pages other bundles (a save, or the session's start or end). A comment goes out first, so the page
    // knows it is subscribed.
    app.get("/api/v1/record-cards/stream", { config: { auth: "user" } }, async (request, reply) => {
      const { accountId } = request.user!;
      // The platform hears every deploy from its start, so the stream's first comment means it is subscribed.
      const stream = streams.start(reply, "watching live builds");
      stream.onClose(p.liveBuilds.subscribe(accountId, (change) => stream.send(change.event, change.data)));
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
        const found =
          Number.isInteger(appId) && Number.isInteger(buildId)
            ? await cardBundlePath(p.store.db, accountId, appId, buildId, cardUid)
            : undefined;
        const source = found ? (await loadBuildArtifact(p.store.db, found.ownerAccountId, buildId))?.get(found.path) : undefined;
        if (!source) throw notFound(`No live card or page ${cardUid} in build ${request.params.buildId} of app ${request.params.appId}.`);
        // A build's bundle never changes: the URL names the build.
        return reply
          .type("text/javascript; charset=utf-8")
          .header("cache-control", "private, max-age=31536000, immutable")
          .header("x-content-type-options", "nosniff")
          .send(source);
      },
    );
  };
