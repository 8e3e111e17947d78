import diagnostics from "node:diagnostics_channel";
import type { FastifyInstance, RouteOptions } from "fastify";

export interface RouteEntry {
  method: string;
  /** As registered: `/crm/v3/objects/:objectType/:id`, with `*` for wildcards. */
  url: string;
  /** `config.auth` of the route ("none" when it declares none). */
  auth: string;
  scopes: string[];
}

const catalogues = new WeakMap<FastifyInstance, RouteEntry[]>();
let collecting = false;

/**
 * Collects the routes of every Fastify instance created from now on, through Fastify's `fastify.initialization`
 * diagnostics channel (published before any plugin registers). So a route added tomorrow is fuzzed and checked for
 * authentication without anyone listing it. Call before the servers start; calling again (each group's test file does,
 * and files share a worker) keeps the one subscription.
 */
export function collectRoutes(): void {
  if (collecting) return;
  collecting = true;
  diagnostics.subscribe("fastify.initialization", (message) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    const routes: RouteEntry[] = [];
    catalogues.set(app, routes);
    app.addHook("onRoute", (r: RouteOptions) => {
      const config = (r.config ?? {}) as { auth?: string; scopes?: string[] };
      // HEAD routes are Fastify's automatic twins of GETs.
      for (const method of [r.method].flat())
        if (method !== "HEAD") routes.push({ method, url: r.url, auth: config.auth ?? "none", scopes: config.scopes ?? [] });
    });
  });
}

export function routeCatalogue(app: FastifyInstance): RouteEntry[] {
  const routes = catalogues.get(app);
  if (!routes) throw new Error("routeCatalogue: call collectRoutes() before the server starts.");
  return routes;
}
