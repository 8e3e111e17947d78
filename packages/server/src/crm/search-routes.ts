import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";
import type { ObjectType } from "./object-types";
import type { TypeOf } from "./object-routes";
import { objectView, selectProperties } from "./object-view";
import { parseSearch, runSearch, SEARCH_LIMITS } from "./search-query";
import { callerOf, json, routeConfig, type RouteConfig } from "./route-kit";

/** POST …/search, counted against the search rate limit. */
export function registerSearchRoute(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  registerSearch(app, p, `/crm/v3/objects/${alias}/search`, () => t, routeConfig(t.readScopes, "search"));
}

/** The search handler; `url` may hold an `:objectType` parameter that `typeOf` resolves. */
export function registerSearch(app: FastifyInstance, p: Platform, url: string, typeOf: TypeOf, config: RouteConfig): void {
  app.post(url, config, async (request, reply) => {
    const { accountId } = callerOf(request);
    const t = await typeOf(request, "read");
    const req = parseSearch(request.body);
    const defs = await p.crm.properties.live(accountId, t.id);
    const { total, objects, offset, limit } = await runSearch(p.store.searchDb, { accountId, t, defs, index: p.crm.search }, req);
    const names = selectProperties(t, defs, req.properties);
    const next = offset + objects.length;
    const more = next < total && next < SEARCH_LIMITS.results && objects.length === limit;
    return json(reply, 200, {
      total,
      results: objects.map((o) => objectView(t, o, names)),
      ...(more ? { paging: { next: { after: String(next) } } } : {}),
    });
  });
}
