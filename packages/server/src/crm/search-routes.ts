import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";
import type { ObjectType } from "./object-types";
import { objectView, selectProperties } from "./object-view";
import { parseSearch, runSearch, SEARCH_LIMITS } from "./search-query";
import { callerOf, json, routeConfig } from "./route-kit";

/** POST …/search, counted against the search rate limit. */
export function registerSearchRoute(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  app.post(`/crm/v3/objects/${alias}/search`, routeConfig(t.readScopes, "search"), async (request, reply) => {
    const { accountId } = callerOf(request);
    const req = parseSearch(request.body);
    const defs = await p.crm.properties.live(accountId, t.id);
    const { total, objects, offset, limit } = await runSearch(p.store.db, { accountId, t, defs }, req);
    const names = selectProperties(t, defs, req.properties);
    const next = offset + objects.length;
    const more = next < total && next < SEARCH_LIMITS.results && objects.length === limit;
    return json(reply, 200, { total, results: objects.map((o) => objectView(t, o, names)), ...(more ? { paging: { next: { after: String(next) } } } : {}) });
  });
}
