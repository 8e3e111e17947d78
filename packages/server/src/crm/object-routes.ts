import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { invalid, notFound } from "../errors/domain-error";
import { absentAs, parseBody } from "../http/parse-body";
import { findObjectType, type ObjectType } from "./object-types";
import { liveProperties, type PropertyDef } from "./property-definitions";
import { after, type MaybePromise } from "../util/maybe-async";
import { archiveObjects, getObject, getObjects, pageObjects, parseObjectId, purgeObject, resolveIds, updateObjects, type StoredObject } from "./object-store";
import { attachHistory, objectView, selectProperties } from "./object-view";
import { v3Associations, associate } from "./associations";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { boolParam, intParam, listParam, stringParam } from "./query-params";
import { createInput, createRecords, inTransaction, updateRecords } from "./object-writes";
import { baseUrlOf, callerOf, json, noContent, queryOf, routeConfig } from "./route-kit";
import type { Db } from "./object-writes";

/** Object types named in `associations=` (unknown names are ignored, as HubSpot does). */
const associationTargets = (names: string[]) => [...new Set(names.map((n) => findObjectType(n)).filter((t): t is ObjectType => !!t))];

type Query = ReturnType<typeof queryOf>;

/**
 * Builds list/get answers: properties, history and v3 associations, each fetched once for the whole page. Without
 * history or associations asked for, the answer is built without a promise (a cached get runs start to end at once).
 */
function viewsFor(db: Db, accountId: number, t: ObjectType, objects: StoredObject[], q: Query, now: number): MaybePromise<Array<Record<string, unknown>>> {
  return after(liveProperties(db, accountId, t.id, now), (defs) => {
    const names = selectProperties(t, defs, listParam(q, "properties"));
    const views = objects.map((o) => objectView(t, o, names));
    const history = listParam(q, "propertiesWithHistory");
    const targets = associationTargets(listParam(q, "associations"));
    return history.length === 0 && targets.length === 0 ? views : addExtras(db, accountId, t, defs, objects, views, history, targets);
  });
}

async function addExtras(db: Db, accountId: number, t: ObjectType, defs: Map<string, PropertyDef>, objects: StoredObject[], views: Array<Record<string, unknown>>, history: string[], targets: ObjectType[]) {
  await attachHistory(db, accountId, defs, views, history);
  if (targets.length > 0) {
    const assoc = await v3Associations(db, accountId, t, targets, objects.map((o) => o.id));
    views.forEach((v, i) => {
      const a = assoc.get(objects[i]!.id);
      if (a) v.associations = a;
    });
  }
  return views;
}

export const objectNotFound = (t: ObjectType, id: string) => notFound(`Object not found: no ${t.singular} with id ${id} in this account.`);

const mergeInput = z.object({ primaryObjectId: z.union([z.string(), z.number()]).transform(String), objectIdToMerge: z.union([z.string(), z.number()]).transform(String) });
const selfMerge = (id: string) => invalid(`A record cannot be merged into itself: ${id} names the primary record.`, [{ message: "Same record", in: "objectIdToMerge", code: "MERGE_WITH_SELF" }]);

/** A merge names records by id only (HubSpot's PublicMergeInput has no idProperty); anything else is a 400, not a miss. */
function mergeId(raw: string, i: number): number {
  const id = parseObjectId(raw);
  const field = i === 0 ? "primaryObjectId" : "objectIdToMerge";
  if (id === undefined) throw invalid(`${field} ${JSON.stringify(raw)} is not a record id: use the record's numeric id.`, [{ message: "Not a record id", in: field, code: "INVALID_OBJECT_ID" }]);
  return id;
}
const gdprInput = z.object({ objectId: z.union([z.string(), z.number()]).transform(String), idProperty: z.string().optional() });

/** Basic CRUD, merge and GDPR delete for one object type under one of its path names. */
export function registerObjectRoutes(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  const base = `/crm/v3/objects/${alias}`;
  const read = routeConfig(t.readScopes);
  const write = routeConfig(t.writeScopes);

  app.get(base, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const q = queryOf(request);
    const limit = intParam(q, "limit", 10, 100);
    const objects = await pageObjects(p.store.db, accountId, t, { afterId: decodeAfter(stringParam(q, "after")), limit: limit + 1, archived: boolParam(q, "archived") });
    const page = objects.slice(0, limit);
    const results = await viewsFor(p.store.db, accountId, t, page, q, p.clock.now());
    const more = objects.length > limit;
    return json(reply, 200, { results, ...(more ? { paging: nextPaging(baseUrlOf(p, request), base, encodeAfter(page[page.length - 1]!.id)) } : {}) });
  });

  // Not an async function: a cached read answers without a promise (Fastify takes a thrown error or a rejection alike).
  app.get<{ Params: { id: string } }>(`${base}/:id`, read, (request, reply): MaybePromise<void> => {
    const { accountId } = callerOf(request);
    const q = queryOf(request);
    const db = p.store.db;
    return after(liveProperties(db, accountId, t.id, p.clock.now()), (defs) =>
      after(resolveIds(db, accountId, t, defs, [request.params.id], stringParam(q, "idProperty")), ([id]) =>
        after(id === undefined ? undefined : getObject(db, accountId, t, id, boolParam(q, "archived")), (object) => {
          if (!object) throw objectNotFound(t, request.params.id);
          return after(viewsFor(db, accountId, t, [object], q, p.clock.now()), ([view]) => void json(reply, 200, view));
        }),
      ),
    );
  });

  app.post(base, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const input = parseBody(createInput, absentAs(request.body, {}), "SimplePublicObjectInputForCreate");
    const { created } = await createRecords(p, accountId, t, [input], source, false);
    return json(reply, 201, objectView(t, created[0]!, "all"));
  });

  app.patch<{ Params: { id: string } }>(`${base}/:id`, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const body = parseBody(z.object({ properties: createInput.shape.properties }), absentAs(request.body, {}), "SimplePublicObjectInput");
    const idProperty = stringParam(queryOf(request), "idProperty");
    const { updated } = await updateRecords(p, accountId, t, [{ id: request.params.id, ...(idProperty ? { idProperty } : {}), properties: body.properties }], source);
    if (!updated[0]) throw objectNotFound(t, request.params.id);
    return json(reply, 200, objectView(t, updated[0], "all"));
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const defs = await liveProperties(p.store.db, accountId, t.id, p.clock.now());
    const [id] = await resolveIds(p.store.db, accountId, t, defs, [request.params.id], undefined);
    // HubSpot answers 204 for ids that are already gone.
    if (id !== undefined) await inTransaction(p, (trx) => archiveObjects(trx, accountId, t, [id], p.clock.now()));
    return noContent(reply);
  });

  if (t.mergeable) {
    app.post(`${base}/merge`, write, async (request, reply) => {
      const { accountId, source } = callerOf(request);
      const input = parseBody(mergeInput, absentAs(request.body, {}), "PublicMergeInput");
      const [primaryId, otherId] = [mergeId(input.primaryObjectId, 0), mergeId(input.objectIdToMerge, 1)];
      // Compared as record ids, not as strings: "0388" and "388" are one record, which must not be archived as the other.
      if (primaryId === otherId) throw selfMerge(input.objectIdToMerge);
      const defs = await liveProperties(p.store.db, accountId, t.id, p.clock.now());
      const now = p.clock.now();
      const merged = await inTransaction(p, async (trx) => {
        const found = await getObjects(trx, accountId, t, [primaryId, otherId], false, true);
        const primary = found.get(primaryId);
        const other = found.get(otherId);
        if (!primary) throw objectNotFound(t, input.primaryObjectId);
        if (!other) throw objectNotFound(t, input.objectIdToMerge);
        // The primary's values win; the merged record only fills gaps. Unique values move with it.
        const fill = Object.fromEntries(Object.entries(other.properties).filter(([k]) => primary.properties[k] === undefined));
        const links = await trx.selectFrom("crm_associations").selectAll().where("account_id", "=", accountId).where("from_id", "=", other.id).execute();
        await archiveObjects(trx, accountId, t, [other.id], now);
        const [result] = await updateObjects(trx, accountId, t, defs, [{ object: primary, values: fill }], now, source);
        for (const l of links) {
          const target = findObjectType(l.to_type)!;
          if (Number(l.to_id) === primary.id) continue;
          await associate(trx, accountId, t, target, [{ fromId: primary.id, toId: Number(l.to_id), specs: [{ associationCategory: l.category as "HUBSPOT_DEFINED", associationTypeId: l.type_id }] }]);
        }
        return result!;
      });
      return json(reply, 200, objectView(t, merged, "all"));
    });
  }

  if (t.id === "0-1") {
    app.post(`${base}/gdpr-delete`, write, async (request, reply) => {
      const { accountId } = callerOf(request);
      const input = parseBody(gdprInput, absentAs(request.body, {}), "PublicGdprDeleteInput");
      const defs = await liveProperties(p.store.db, accountId, t.id, p.clock.now());
      await inTransaction(p, async (trx) => {
        const [id] = await resolveIds(trx, accountId, t, defs, [input.objectId], input.idProperty);
        const exists = id === undefined ? false : (await trx.selectFrom("crm_objects").select("id").where("id", "=", id).where("account_id", "=", accountId).where("object_type_id", "=", t.id).executeTakeFirst()) !== undefined;
        if (!exists) throw objectNotFound(t, input.objectId);
        await purgeObject(trx, accountId, id!);
      });
      return noContent(reply);
    });
  }
}
