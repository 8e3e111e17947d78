import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { absentAs, parseBody } from "../util/parse-body";
import type { ObjectType } from "./object-types";
import { archiveObjects, checkUnique, getObjects, insertObjects, parseObjectId, updateObjects, type StoredObject } from "./object-store";
import { attachHistory, objectView, selectProperties } from "./object-view";
import { normaliseProperties, propertyValuesError } from "./property-values";
import { batchResponse } from "./batch-response";
import { boolParam } from "./query-params";
import {
  checkBatchSize,
  createInput,
  createRecords,
  inTransaction,
  notFoundError,
  refuseDuplicateIds,
  resolveInputIds,
  updateInput,
  updateRecords,
} from "./object-writes";
import { callerOf, json, noContent, queryOf, routeConfig, type RouteConfig } from "./route-kit";
import type { TypeOf } from "./object-routes";
import { REMOVAL_SOURCE, deletions, eventBase, propertyChanges } from "./crm-events";

const idInput = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const readInput = z.object({
  inputs: z.array(z.object({ id: idInput })),
  properties: z.array(z.string()).default([]),
  propertiesWithHistory: z.array(z.string()).default([]),
  idProperty: z.string().optional(),
});
const upsertInput = z.object({ inputs: z.array(updateInput) });

/** POST …/batch/{read,create,update,upsert,archive} for one standard type under one of its path names. */
export function registerBatchRoutes(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  registerBatch(app, p, `/crm/v3/objects/${alias}/batch`, () => t, routeConfig(t.readScopes), routeConfig(t.writeScopes));
}

/**
 * The batch routes under `base`, up to 100 inputs, 207 when some fail; `base` may hold an `:objectType` parameter that
 * `typeOf` resolves (custom objects).
 */
export function registerBatch(
  app: FastifyInstance,
  p: Platform,
  base: string,
  typeOf: TypeOf,
  read: RouteConfig,
  write: RouteConfig,
): void {
  app.post(`${base}/read`, read, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const t = await typeOf(request, "read");
    const body = parseBody(readInput, absentAs(request.body, {}), "BatchReadInputSimplePublicObjectId");
    checkBatchSize(body.inputs.length);
    const db = p.store.db;
    const defs = await p.crm.properties.live(accountId, t.id);
    const ids = await resolveInputIds(
      db,
      accountId,
      t,
      defs,
      body.inputs.map((i) => ({ id: i.id, ...(body.idProperty ? { idProperty: body.idProperty } : {}) })),
    );
    const found = await getObjects(
      db,
      accountId,
      t,
      ids.filter((x): x is number => x !== undefined),
      boolParam(queryOf(request), "archived"),
    );
    const objects: StoredObject[] = [];
    const missing: string[] = [];
    const seen = new Set<number>();
    body.inputs.forEach((input, i) => {
      const o = ids[i] === undefined ? undefined : found.get(ids[i]!);
      if (!o) missing.push(input.id);
      else if (!seen.has(o.id)) {
        seen.add(o.id);
        objects.push(o);
      }
    });
    const names = selectProperties(t, defs, body.properties);
    const views = objects.map((o) => objectView(t, o, names));
    await attachHistory(db, accountId, defs, views, body.propertiesWithHistory);
    const { status, body: out } = batchResponse(views, missing.length ? [notFoundError(t, missing)] : [], startedAt, 200);
    return json(reply, status, out);
  });

  app.post(`${base}/create`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId, source } = callerOf(request);
    const t = await typeOf(request, "write");
    const { inputs } = parseBody(
      z.object({ inputs: z.array(createInput) }),
      absentAs(request.body, {}),
      "BatchInputSimplePublicObjectInputForCreate",
    );
    checkBatchSize(inputs.length);
    // HubSpot reports per-input failures (207) only when every input carries objectWriteTraceId.
    const partial = inputs.length > 0 && inputs.every((i) => i.objectWriteTraceId !== undefined);
    const { created, errors } = await createRecords(p, accountId, t, inputs, source, partial);
    const { status, body } = batchResponse(
      created.map((o) => objectView(t, o, "all")),
      errors,
      startedAt,
      201,
    );
    return json(reply, status, body);
  });

  app.post(`${base}/update`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId, source } = callerOf(request);
    const t = await typeOf(request, "write");
    const { inputs } = parseBody(
      z.object({ inputs: z.array(updateInput) }),
      absentAs(request.body, {}),
      "BatchInputSimplePublicObjectBatchInput",
    );
    checkBatchSize(inputs.length);
    const { updated, missing } = await updateRecords(p, accountId, t, inputs, source);
    const { status, body } = batchResponse(
      updated.map((o) => objectView(t, o, "all")),
      missing.length ? [notFoundError(t, missing)] : [],
      startedAt,
      200,
    );
    return json(reply, status, body);
  });

  app.post(`${base}/upsert`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId, source } = callerOf(request);
    const t = await typeOf(request, "write");
    const { inputs } = parseBody(upsertInput, absentAs(request.body, {}), "BatchInputSimplePublicObjectBatchInputUpsert");
    checkBatchSize(inputs.length);
    const defs = await p.crm.properties.live(accountId, t.id);
    // A new record gets its idProperty value as a property, so `{id: "a@b.c", idProperty: "email"}` creates that email.
    const normalised = inputs.map((input) => {
      const withKey =
        input.idProperty && input.idProperty !== "hs_object_id" ? { ...input.properties, [input.idProperty]: input.id } : input.properties;
      return normaliseProperties(defs, withKey);
    });
    const problems = normalised.flatMap((n) => n.problems);
    if (problems.length > 0) throw propertyValuesError(problems, accountId);
    const now = p.clock.now();
    const { results, missing, events } = await inTransaction(p, async (trx) => {
      const ids = await resolveInputIds(trx, accountId, t, defs, inputs);
      refuseDuplicateIds(inputs, ids);
      const found = await getObjects(
        trx,
        accountId,
        t,
        ids.filter((x): x is number => x !== undefined),
        false,
        true,
      );
      const updates: Array<{ object: StoredObject; values: Record<string, string | null> }> = [];
      const creates: Array<{ values: Record<string, string | null> }> = [];
      const order: Array<{ kind: "update" | "create"; index: number }> = [];
      const missing: string[] = [];
      inputs.forEach((input, i) => {
        const object = ids[i] === undefined ? undefined : found.get(ids[i]!);
        if (object) {
          order.push({ kind: "update", index: updates.length });
          updates.push({ object, values: normalised[i]!.values });
        } else if (input.idProperty && input.idProperty !== "hs_object_id") {
          order.push({ kind: "create", index: creates.length });
          creates.push({ values: normalised[i]!.values });
        } else if (parseObjectId(input.id) === undefined || !found.has(parseObjectId(input.id)!)) missing.push(input.id);
      });
      await checkUnique(trx, accountId, t, defs, [...updates.map((u) => ({ id: u.object.id, values: u.values })), ...creates]);
      const base = eventBase(accountId, t.id, now, source);
      const changes = updates.flatMap((u) => propertyChanges(base, u.object.id, { ...u.object.properties }, u.values));
      const updated = await updateObjects(trx, accountId, t, defs, updates, now, source);
      const created = await insertObjects(trx, accountId, t, defs, creates, now, source);
      const events = [
        ...changes,
        ...created.flatMap((o, i) => [
          { ...base, objectId: o.id, kind: "creation" as const },
          ...propertyChanges(base, o.id, {}, creates[i]!.values),
        ]),
      ];
      const results = order.map((o) =>
        o.kind === "update"
          ? { ...objectView(t, updated[o.index]!, "all"), new: false }
          : { ...objectView(t, created[o.index]!, "all"), new: true },
      );
      return { results, missing, events };
    });
    p.crm.events.emit(events);
    const { status, body } = batchResponse(results, missing.length ? [notFoundError(t, missing)] : [], startedAt, 200);
    return json(reply, status, body);
  });

  app.post(`${base}/archive`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const t = await typeOf(request, "write");
    const { inputs } = parseBody(
      z.object({ inputs: z.array(z.object({ id: idInput })) }),
      absentAs(request.body, {}),
      "BatchInputSimplePublicObjectId",
    );
    checkBatchSize(inputs.length);
    const ids = inputs.map((i) => parseObjectId(i.id)).filter((x): x is number => x !== undefined);
    const now = p.clock.now();
    const archived = await inTransaction(p, (trx) => archiveObjects(trx, accountId, t, ids, now));
    p.crm.events.emit(deletions(eventBase(accountId, t.id, now, REMOVAL_SOURCE), archived));
    return noContent(reply);
  });
}
