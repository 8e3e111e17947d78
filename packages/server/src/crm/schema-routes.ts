import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";
import { absentAs } from "../util/parse-body";
import { createSchema, createSchemaAssociation, getSchema, schemaView } from "./object-schemas";
import { callerOf, json, routeConfig } from "./route-kit";

/**
 * HubSpot's schemas API for custom objects: create, list and get (by p_<name>, 2-<n> or the fully qualified name), and
 * add association definitions, under both paths HubSpot serves it on (its SDK calls the second).
 */
export function registerSchemaRoutes(app: FastifyInstance, p: Platform): void {
  for (const base of ["/crm/v3/schemas", "/crm-object-schemas/v3/schemas"]) registerUnder(app, p, base);
}

function registerUnder(app: FastifyInstance, p: Platform, base: string): void {
  const read = routeConfig(["crm.schemas.custom.read", "crm.schemas.custom.write"]);
  const write = routeConfig(["crm.schemas.custom.write"]);

  app.get(base, read, async (request, reply) => {
    const schemas = await p.crm.types.customSchemas(callerOf(request).accountId);
    return json(reply, 200, { results: await Promise.all(schemas.map((s) => schemaView(p, s))) });
  });

  app.get<{ Params: { objectType: string } }>(`${base}/:objectType`, read, async (request, reply) =>
    json(reply, 200, await schemaView(p, await getSchema(p, callerOf(request).accountId, request.params.objectType))),
  );

  app.post<{ Params: { objectType: string } }>(`${base}/:objectType/associations`, write, async (request, reply) =>
    json(reply, 201, await createSchemaAssociation(p, callerOf(request).accountId, request.params.objectType, absentAs(request.body, {}))),
  );

  app.post(base, write, async (request, reply) =>
    json(reply, 201, await schemaView(p, await createSchema(p, callerOf(request).accountId, absentAs(request.body, {})))),
  );
}
