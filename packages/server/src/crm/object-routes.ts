import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { absentAs, parseBody } from "../util/parse-body";
import { findObjectType, type ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { after, type MaybePromise } from "../util/maybe-async";
import { getObject, objectNotFound, pageObjects, resolveIds, type StoredObject } from "./object-store";
import { attachHistory, objectView, selectProperties } from "./object-view";
import { v3Associations } from "./associations";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { boolParam, intParam, listParam, stringParam } from "./query-params";
import { createInput, createRecords, updateRecords } from "./object-writes";
import { mergeObjects } from "./object-merge";
import { archiveObject, gdprDelete } from "./object-removal";
import { baseUrlOf, callerOf, json, noContent, queryOf, routeConfig } from "./route-kit";
import type { Db } from "./object-writes";

/** Object types named in `associations=` (unknown names are ignored, as HubSpot does). */
const associationTargets = (names: string[]) => [...new Set(names.map((n) => findObjectType(n)).filter((t): t is ObjectType => !!t))];

type Query = ReturnType<typeof queryOf>;

/**
 * Builds list/get answers: properties, history and v3 associations, each fetched once for the whole page. Without
 * history or associations asked for, the answer is built without a promise (a cached get runs start to end at once).
 */
function viewsFor(p: Platform, accountId: number, t: ObjectType, objects: StoredObject[], q: Query): MaybePromise<Array<Record<string, unknown>>> {
  return after(p.properties.live(accountId, t.id), (defs) => {
    const names = selectProperties(t, defs, listParam(q, "properties"));
    const views = objects.map((o) => objectView(t, o, names));
    const history = listParam(q, "propertiesWithHistory");
    const targets = associationTargets(listParam(q, "associations"));
    return history.length === 0 && targets.length === 0 ? views : addExtras(p.store.db, accountId, t, defs, objects, views, history, targets);
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

const mergeInput = z.object({ primaryObjectId: z.union([z.string(), z.number()]).transform(String), objectIdToMerge: z.union([z.string(), z.number()]).transform(String) });
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
    const results = await viewsFor(p, accountId, t, page, q);
    const more = objects.length > limit;
    return json(reply, 200, { results, ...(more ? { paging: nextPaging(baseUrlOf(p, request), base, encodeAfter(page[page.length - 1]!.id)) } : {}) });
  });

  // Not an async function: a cached read answers without a promise (Fastify takes a thrown error or a rejection alike).
  app.get<{ Params: { id: string } }>(`${base}/:id`, read, (request, reply): MaybePromise<void> => {
    const { accountId } = callerOf(request);
    const q = queryOf(request);
    const db = p.store.db;
    return after(p.properties.live(accountId, t.id), (defs) =>
      after(resolveIds(db, accountId, t, defs, [request.params.id], stringParam(q, "idProperty")), ([id]) =>
        after(id === undefined ? undefined : getObject(db, accountId, t, id, boolParam(q, "archived")), (object) => {
          if (!object) throw objectNotFound(t, request.params.id);
          return after(viewsFor(p, accountId, t, [object], q), ([view]) => void json(reply, 200, view));
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
    await archiveObject(p, callerOf(request).accountId, t, request.params.id);
    return noContent(reply);
  });

  if (t.mergeable) {
    app.post(`${base}/merge`, write, async (request, reply) => {
      const { accountId, source } = callerOf(request);
      const input = parseBody(mergeInput, absentAs(request.body, {}), "PublicMergeInput");
      return json(reply, 200, objectView(t, await mergeObjects(p, accountId, t, input, source), "all"));
    });
  }

  if (t.id === "0-1") {
    app.post(`${base}/gdpr-delete`, write, async (request, reply) => {
      const input = parseBody(gdprInput, absentAs(request.body, {}), "PublicGdprDeleteInput");
      await gdprDelete(p, callerOf(request).accountId, t, input.objectId, input.idProperty);
      return noContent(reply);
    });
  }
}
