import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import { scopesFor, type ObjectType } from "./object-types";
import {
  archiveGroup,
  createGroup,
  getGroup,
  getProperty,
  groupView,
  listGroups,
  listProperties,
  propertyCreateInput,
  propertyView,
  updateGroup,
  type PropertyDef,
} from "./property-definitions";
import { batchResponse, standardError, type StandardError } from "./batch-response";
import { boolParam } from "./query-params";
import { checkBatchSize, inTransaction } from "./object-writes";
import { callerOf, json, noContent, queryOf, routeConfig, type RouteConfig } from "./route-kit";
import type { TypeOf } from "./object-routes";

/** Properties and property groups of one standard object type under one of its path names. */
export function registerPropertyRoutes(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  registerProperties(
    app,
    p,
    `/crm/v3/properties/${alias}`,
    () => t,
    routeConfig(scopesFor(t, "schemaRead")),
    routeConfig(scopesFor(t, "schemaWrite")),
  );
}

/** The properties API; `base` may hold an `:objectType` parameter that `typeOf` resolves. */
export function registerProperties(
  app: FastifyInstance,
  p: Platform,
  base: string,
  typeOf: TypeOf,
  read: RouteConfig,
  write: RouteConfig,
): void {
  const db = p.store.db;

  app.get(base, read, async (request, reply) => {
    const t = await typeOf(request, "schemaRead");
    const { accountId } = callerOf(request);
    const results = await listProperties(db, accountId, t, boolParam(queryOf(request), "archived"));
    return json(reply, 200, { results: results.map(propertyView) });
  });

  app.post(base, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    const input = parseBody(propertyCreateInput, absentAs(request.body, {}), "PropertyCreate");
    return json(reply, 201, propertyView(await inTransaction(p, (trx) => p.crm.properties.create(trx, accountId, t, input))));
  });

  // Groups are registered before /:name so that "groups" is never read as a property name.
  app.get(`${base}/groups`, read, async (request, reply) => {
    const t = await typeOf(request, "schemaRead");
    const { accountId } = callerOf(request);
    return json(reply, 200, { results: (await listGroups(db, accountId, t, boolParam(queryOf(request), "archived"))).map(groupView) });
  });
  app.get<{ Params: { name: string } }>(`${base}/groups/:name`, read, async (request, reply) => {
    const t = await typeOf(request, "schemaRead");
    return json(reply, 200, groupView(await getGroup(db, callerOf(request).accountId, t, request.params.name)));
  });
  app.post(`${base}/groups`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    return json(reply, 201, groupView(await inTransaction(p, (trx) => createGroup(trx, accountId, t, absentAs(request.body, {})))));
  });
  app.patch<{ Params: { name: string } }>(`${base}/groups/:name`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    return json(
      reply,
      200,
      groupView(await inTransaction(p, (trx) => updateGroup(trx, accountId, t, request.params.name, absentAs(request.body, {})))),
    );
  });
  app.delete<{ Params: { name: string } }>(`${base}/groups/:name`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    await inTransaction(p, (trx) => archiveGroup(trx, accountId, t, request.params.name));
    return noContent(reply);
  });

  app.post(`${base}/batch/read`, read, async (request, reply) => {
    const t = await typeOf(request, "schemaRead");
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const body = parseBody(
      z.object({ inputs: z.array(z.object({ name: z.string() })), archived: z.boolean().default(false) }),
      absentAs(request.body, {}),
      "BatchReadInputPropertyName",
    );
    const all = await listProperties(db, accountId, t, body.archived);
    const results: PropertyDef[] = [];
    const missing: string[] = [];
    for (const { name } of body.inputs) {
      const d = all.find((x) => x.name === name);
      if (d) results.push(d);
      else missing.push(name);
    }
    const errors = missing.length
      ? [standardError("OBJECT_NOT_FOUND", `Unable to find properties ${missing.join(", ")} for object type ${t.id}.`, { names: missing })]
      : [];
    const { status, body: out } = batchResponse(results.map(propertyView), errors, startedAt, 200);
    return json(reply, status, out);
  });

  app.post(`${base}/batch/create`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const { inputs } = parseBody(
      z.object({ inputs: z.array(propertyCreateInput) }),
      absentAs(request.body, {}),
      "BatchInputPropertyCreate",
    );
    checkBatchSize(inputs.length);
    // Each property stands alone: the ones that can be created are, the others are reported (207).
    const created: PropertyDef[] = [];
    const errors: StandardError[] = [];
    for (const input of inputs) {
      try {
        created.push(await inTransaction(p, (trx) => p.crm.properties.create(trx, accountId, t, input)));
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        errors.push(standardError(e.category, e.message, { name: [input.name] }));
      }
    }
    const { status, body } = batchResponse(created.map(propertyView), errors, startedAt, 201);
    return json(reply, status, body);
  });

  app.post(`${base}/batch/archive`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    const { inputs } = parseBody(
      z.object({ inputs: z.array(z.object({ name: z.string() })) }),
      absentAs(request.body, {}),
      "BatchInputPropertyName",
    );
    checkBatchSize(inputs.length);
    await inTransaction(p, async (trx) => {
      const live = await listProperties(trx, accountId, t, false);
      for (const { name } of inputs) if (live.some((d) => d.name === name)) await p.crm.properties.archive(trx, accountId, t, name);
    });
    return noContent(reply);
  });

  app.get<{ Params: { name: string } }>(`${base}/:name`, read, async (request, reply) => {
    const t = await typeOf(request, "schemaRead");
    const { accountId } = callerOf(request);
    return json(
      reply,
      200,
      propertyView(await getProperty(db, accountId, t, request.params.name, boolParam(queryOf(request), "archived"))),
    );
  });
  app.patch<{ Params: { name: string } }>(`${base}/:name`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    return json(
      reply,
      200,
      propertyView(
        await inTransaction(p, (trx) => p.crm.properties.update(trx, accountId, t, request.params.name, absentAs(request.body, {}))),
      ),
    );
  });
  app.delete<{ Params: { name: string } }>(`${base}/:name`, write, async (request, reply) => {
    const t = await typeOf(request, "schemaWrite");
    const { accountId } = callerOf(request);
    await inTransaction(p, (trx) => p.crm.properties.archive(trx, accountId, t, request.params.name));
    return noContent(reply);
  });
}
