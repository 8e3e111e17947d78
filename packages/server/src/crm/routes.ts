import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { Platform } from "../platform";
import { OBJECT_TYPES, aliasesOf, unknownObjectType } from "./object-types";
import { registerObjectRoutes } from "./object-routes";
import { registerBatchRoutes } from "./batch-routes";
import { registerSearchRoute } from "./search-routes";
import { registerPropertyRoutes } from "./property-routes";
import { registerAssociationRoutes } from "./association-routes";
import { registerOwnerRoutes } from "./owner-routes";
import { registerGraphqlRoute } from "./graphql/graphql-route";
import { registerPipelineRoutes } from "./pipeline-routes";
import { PIPELINE_OBJECT_TYPES } from "./pipelines";
import { registerCustomObjectRoutes } from "./custom-object-routes";
import { registerSchemaRoutes } from "./schema-routes";
import { routeConfig } from "./route-kit";

/**
 * The CRM API. Each object type gets concrete routes under each of its path names (contacts, contact, 0-1) so that
 * every route declares its own scopes; anything else under an object-type segment is HubSpot's "unable to infer".
 */
export function crmRoutes(p: Platform): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    for (const t of OBJECT_TYPES) {
      for (const alias of aliasesOf(t)) {
        registerObjectRoutes(app, p, t, alias);
        registerBatchRoutes(app, p, t, alias);
        registerSearchRoute(app, p, t, alias);
        registerPropertyRoutes(app, p, t, alias);
        registerAssociationRoutes(app, p, alias, () => t, routeConfig(t.readScopes), routeConfig(t.writeScopes));
        if (PIPELINE_OBJECT_TYPES.includes(t.id)) registerPipelineRoutes(app, p, t, alias);
      }
    }
    registerCustomObjectRoutes(app, p);
    registerSchemaRoutes(app, p);
    registerOwnerRoutes(app, p);
    registerGraphqlRoute(app, p);
    const unknown = async (request: { params: unknown }) => {
      throw unknownObjectType((request.params as { objectType: string }).objectType);
    };
    const config = { config: { auth: "app" as const, rateLimit: "standard" as const } };
    // Custom objects own GET/POST on the collections, and GET/PATCH/DELETE on a record or property (registerCustomObjectRoutes).
    for (const kind of ["objects", "properties"]) {
      app.route({ method: ["PATCH", "PUT", "DELETE"], url: `/crm/v3/${kind}/:objectType`, ...config, handler: unknown });
      app.route({ method: ["POST", "PUT"], url: `/crm/v3/${kind}/:objectType/:id`, ...config, handler: unknown });
    }
    for (const url of [
      "/crm/v3/objects/:objectType/*",
      "/crm/v3/properties/:objectType/*",
      "/crm/v4/objects/:objectType/*",
      "/crm/v4/associations/:objectType/*",
      "/crm/v3/pipelines/:objectType",
      "/crm/v3/pipelines/:objectType/*",
    ]) {
      app.route({ method: ["GET", "POST", "PATCH", "PUT", "DELETE"], url, ...config, handler: unknown });
    }
  };
}
