import Fastify, { LogController, type FastifyInstance, type onRequestHookHandler } from "fastify";
import type { Platform } from "./platform";
import { clientError, frameworkError, registerErrorHandling } from "./http/error-handler";
import { registerJsonParser } from "./http/json-body";
import { healthRoutes } from "./health/routes";
import { accountRoutes } from "./accounts/routes";
import { projectsPlugin } from "./projects/plugin";
import { appRoutes } from "./apps/routes";
import { oauthRoutes } from "./oauth/routes";
import { functionRoutes } from "./functions/routes";
import { extensionRoutes } from "./extensions/routes";
import { fetchProxyRoutes } from "./extensions/fetch-proxy";
import { webhookRoutes } from "./webhooks/routes";
import { workflowRoutes } from "./workflows/routes";
import { timelineRoutes } from "./timeline/routes";
import { crmRoutes } from "./crm/routes";
import { hubdbRoutes } from "./hubdb/routes";
import { logsPlugin } from "./logs/plugin";
import type { MaybePromise } from "./util/maybe-async";
import { requirePermission } from "./accounts/permissions";
import type { TrustProxy } from "./http/trust-proxy";
import { registerHttpsPolicy } from "./http/https-only";
import { registerResponseSchemas } from "./http/response-schema";

/** `/hs.com/...` (and `/hsqa.com/...`): what HubSpot's CLI sends when HUBAPI_DOMAIN_OVERRIDE carries a path. */
const DOMAIN_PREFIX = /^\/[a-z0-9-]+\.com(?=\/)/i;

/** A hop count as the function proxy-addr makes of one (Fastify's types take no number). */
const fastifyTrustProxy = (t: TrustProxy) => (typeof t === "number" ? (_address: string, hop: number) => hop < t : t);

/** The API, the console and the CRM on one Fastify instance; every long-lived part comes from the platform. */
export async function buildApp(p: Platform, opts: { httpsPort?: () => number | undefined } = {}): Promise<FastifyInstance> {
  // No logger for Fastify: our code logs through p.log (errors with their correlation id, http/error-handler.ts). Given
  // one, Fastify made a child logger for every request (and checked it), and added `finish` and `error` listeners and
  // two timestamps to every response for the request lines we switch off (the API-call log records calls): per-request
  // work on every CRM call's budget (issue #24). What goes unlogged is Fastify's own warnings about misuse (a reply sent
  // twice), which tests meet first.
  const app = Fastify({
    // Without a logger Fastify still builds an `incoming request` line for its no-op logger on every request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
    // request.ip and request.protocol come from X-Forwarded-* only for the proxies the operator names (F13).
    trustProxy: fastifyTrustProxy(p.config.trustProxy),
    rewriteUrl: (req) => (req.url ?? "/").replace(DOMAIN_PREFIX, ""),
    // Repeated query keys arrive as arrays, comma lists are split by each route that takes lists.
    // compile: find-my-way turns each method's tree into generated code once the routes are registered. Walking the
    // tree of ~400 routes cost a CRM get 3 µs against 1 for a one-route server (issue #24's CPU profile); the compile
    // costs a start about half a second of CPU, which the in-process test servers skip (SPROCKET_ROUTER_COMPILE).
    routerOptions: { ignoreTrailingSlash: false, compile: p.config.routerCompile },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  });
  registerJsonParser(app);
  registerErrorHandling(app, p.log);
  registerResponseSchemas(app);
  registerHttpsPolicy(app, p, opts.httpsPort ?? (() => undefined));

  // The authenticator is attached to the routes that declare one, so public routes (health, the console's files) run
  // no authentication hook at all. A callback hook, not an async one: a cached private-app token is checked without
  // a promise (see apps/app-auth.ts).
  app.addHook("onRoute", (route) => {
    const kind = route.config?.auth ?? "none";
    if (kind === "none") return;
    const authenticate = p.authenticators[kind];
    // The route's scopes and rate-limit bucket, read once here rather than through request.routeOptions per call.
    const config = route.config ?? {};
    const gate: onRequestHookHandler = (request, reply, done) => {
      let pending: MaybePromise<void>;
      try {
        pending = authenticate(p, request, reply, config);
      } catch (e) {
        done(e as Error);
        return;
      }
      if (pending instanceof Promise) pending.then(() => done(), done);
      else done();
    };
    const permission = route.config?.permission;
    const permit: onRequestHookHandler[] = permission
      ? [(request, _reply, done) => void requirePermission(p, request, permission).then(() => done(), done)]
      : [];
    route.onRequest = [gate, ...permit, ...(Array.isArray(route.onRequest) ? route.onRequest : route.onRequest ? [route.onRequest] : [])];
  });

  await app.register(logsPlugin(p));
  await app.register(healthRoutes(p));
  await app.register(accountRoutes(p));
  await app.register(projectsPlugin(p));
  await app.register(appRoutes(p));
  await app.register(oauthRoutes(p));
  await app.register(crmRoutes(p));
  await app.register(hubdbRoutes(p));
  await app.register(functionRoutes(p));
  await app.register(extensionRoutes(p));
  await app.register(fetchProxyRoutes(p));
  await app.register(webhookRoutes(p));
  await app.register(workflowRoutes(p));
  await app.register(timelineRoutes(p));
  await app.register((await import("./console/plugin")).consolePlugin, { log: p.log });
  return app;
}
