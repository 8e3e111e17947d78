// The web console: the SPA at `/` (index.html for its routes), its hashed assets, and the extension host's files.
import { readFile } from "node:fs/promises";
import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";
import fastifyStatic from "@fastify/static";
import { ApiError } from "../http/api-error";
import { consoleAppDir, consoleBuildProblem, extensionHostDir } from "./console-dist";
import { pageHtml } from "./page-preloads";
import { firstScreenRenderer } from "./server-render";
import { cardWorkerCsp, consolePageHeaders } from "./security-headers";

/**
 * First path segments that belong to APIs: a browser asking for them gets JSON, never the SPA. `_hcms` is served on
 * the endpoint listener only (functions/endpoint-server.ts); here it is a 404.
 */
const API_PATH =
  /^\/(api|_hcms|crm|dfs|developer|oauth|localdevauth|account-info|git-webhooks|project-components-external|filemanager|cms|extension-host|assets|health|[a-z0-9-]+\.com)(\/|$)/;

/** `log`: the server's logger (Fastify is given none, app.ts). */
export const consolePlugin: FastifyPluginAsync<{ log: FastifyBaseLogger }> = async (app, { log }) => {
  const problem = consoleBuildProblem();
  if (problem) log.error(problem);
  const indexHtml = problem ? undefined : await readFile(`${consoleAppDir}index.html`);
  const htmlFor = indexHtml ? await pageHtml(consoleAppDir, indexHtml) : undefined;
  const renderFirstScreen = problem ? undefined : firstScreenRenderer(app, log);

  if (!problem) {
    // Vite names assets by content hash: cache them for a year.
    await app.register(fastifyStatic, {
      root: `${consoleAppDir}assets`,
      prefix: "/assets/",
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: "365d",
    });
    // host.js and worker.js keep their names across builds: revalidate them.
    await app.register(fastifyStatic, {
      root: extensionHostDir,
      prefix: "/extension-host/",
      decorateReply: false,
      index: false,
      cacheControl: false,
      setHeaders(reply, path) {
        reply.header("cache-control", "no-cache");
        reply.header("x-content-type-options", "nosniff");
        if (path.endsWith("worker.js")) reply.header("content-security-policy", cardWorkerCsp);
      },
    });
  }

  // Every GET no other route answers: the SPA for a browser, HubSpot's 404 body for an API client.
  app.get("/*", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const wantsHtml = request.headers.accept?.includes("text/html") ?? false;
    if (!wantsHtml || API_PATH.test(path)) throw new ApiError(404, "RESOURCE_NOT_FOUND", `No route matches GET ${path}.`);
    if (!htmlFor || !renderFirstScreen) throw new ApiError(503, "INTERNAL_ERROR", problem ?? "The web console is not built.");
    const page = htmlFor(path);
    const rendered = renderFirstScreen(request, path, page.toString("utf8"));
    return (
      reply
        // A rendered page holds the user's data: for their browser only.
        .headers({ ...consolePageHeaders, "cache-control": rendered ? "private, no-cache" : "no-cache" })
        .type("text/html; charset=utf-8")
        .send(rendered ?? page)
    );
  });
};
