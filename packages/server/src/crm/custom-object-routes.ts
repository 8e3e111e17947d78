import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";
import { missingScopes } from "../apps/app-auth";
import { after } from "../util/maybe-async";
import { registerCrud, type TypeOf } from "./object-routes";
import { registerSearch } from "./search-routes";
import { registerProperties } from "./property-routes";
import { registerBatch } from "./batch-routes";
import { registerAssociationRoutes } from "./association-routes";
import { scopesFor } from "./object-types";
import { callerOf, routeConfig } from "./route-kit";

/**
 * A type named by a path segment the standard routes do not claim (p_<name>, 2-<n>, p<portal>_<name>): looked up in
 * the caller's account (so another account's custom types stay unknown), then its scopes are checked, which a route's
 * static config cannot do for a type that only exists per account.
 */
function customTypeOf(p: Platform): TypeOf {
  return (request, access) =>
    after(p.crm.types.resolve(callerOf(request).accountId, (request.params as { objectType: string }).objectType), (t) => {
      const scopes = scopesFor(t, access);
      if (!scopes.some((s) => request.app!.scopes.has(s))) throw missingScopes(scopes);
      return t;
    });
}

/**
 * Basic CRUD, batch, search, v4 associations and the properties API on custom and app objects (HubSpot's
 * `client.crm.objects`, `client.crm.associations.v4`, `client.crm.properties`).
 */
export function registerCustomObjectRoutes(app: FastifyInstance, p: Platform): void {
  const authOnly = routeConfig([]);
  const typeOf = customTypeOf(p);
  registerCrud(app, p, "/crm/v3/objects/:objectType", typeOf, authOnly, authOnly);
  registerBatch(app, p, "/crm/v3/objects/:objectType/batch", typeOf, authOnly, authOnly);
  registerSearch(app, p, "/crm/v3/objects/:objectType/search", typeOf, routeConfig([], "search"));
  registerAssociationRoutes(app, p, ":objectType", typeOf, authOnly, authOnly);
  registerProperties(app, p, "/crm/v3/properties/:objectType", typeOf, authOnly, authOnly);
}
