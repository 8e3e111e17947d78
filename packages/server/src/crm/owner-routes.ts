import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";
import { getOwner, ownerView, pageOwners } from "./owners";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { boolParam, intParam, stringParam } from "./query-params";
import { baseUrlOf, callerOf, json, queryOf, routeConfig } from "./route-kit";

export const OWNER_SCOPES = ["crm.objects.owners.read"];

/** Owners: `GET /crm/v3/owners/` (what SDK 13 calls) and `/crm/v3/owners` (14.x), and one owner by id or userId. */
export function registerOwnerRoutes(app: FastifyInstance, p: Platform): void {
  const config = routeConfig(OWNER_SCOPES);
  for (const path of ["/crm/v3/owners/", "/crm/v3/owners"]) {
    app.get(path, config, async (request, reply) => {
      const { accountId } = callerOf(request);
      const q = queryOf(request);
      const limit = intParam(q, "limit", 100, 500);
      const email = stringParam(q, "email");
      const rows = await pageOwners(p.store.db, accountId, {
        ...(email ? { email } : {}),
        afterId: decodeAfter(stringParam(q, "after")),
        limit: limit + 1,
        archived: boolParam(q, "archived"),
      });
      const page = rows.slice(0, limit);
      const more = rows.length > limit;
      return json(reply, 200, {
        results: page.map(ownerView),
        ...(more ? { paging: nextPaging(baseUrlOf(p, request), "/crm/v3/owners/", encodeAfter(page[page.length - 1]!.id)) } : {}),
      });
    });
  }
  app.get<{ Params: { ownerId: string } }>("/crm/v3/owners/:ownerId", config, async (request, reply) => {
    const { accountId } = callerOf(request);
    const q = queryOf(request);
    return json(
      reply,
      200,
      ownerView(await getOwner(p.store.db, accountId, request.params.ownerId, stringParam(q, "idProperty"), boolParam(q, "archived"))),
    );
  });
}
