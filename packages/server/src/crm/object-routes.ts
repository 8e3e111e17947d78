import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { absentAs, parseBody } from "../util/parse-body";
import type { Access, ObjectType } from "./object-types";
import { after, type MaybePromise } from "../util/maybe-async";
import { objectNotFound } from "./object-store";
import { objectView } from "./object-view";
import { listObjects, readObject, type ViewOptions } from "./object-reads";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { boolParam, intParam, listParam, stringParam, type Query } from "./query-params";
import { createInput, createRecords, updateRecords } from "./object-writes";
import { mergeObjects } from "./object-merge";
import { archiveObject, gdprDelete } from "./object-removal";
import { baseUrlOf, callerOf, json, noContent, queryOf, routeConfig, type RouteConfig } from "./route-kit";

const viewOptions = (q: Query): ViewOptions => ({
  properties: listParam(q, "properties"),
  propertiesWithHistory: listParam(q, "propertiesWithHistory"),
  associations: listParam(q, "associations"),
});

const mergeInput = z.object({
  primaryObjectId: z.union([z.string(), z.number()]).transform(String),
  objectIdToMerge: z.union([z.string(), z.number()]).transform(String),
});
const gdprInput = z.object({ objectId: z.union([z.string(), z.number()]).transform(String), idProperty: z.string().optional() });

/** The type a request is about, with its scopes checked: fixed for a standard type's routes, looked up for custom ones. */
export type TypeOf = (request: FastifyRequest, access: Access) => MaybePromise<ObjectType>;

/** Basic CRUD, merge and GDPR delete for one standard object type under one of its path names. */
export function registerObjectRoutes(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  const base = `/crm/v3/objects/${alias}`;
  const write = routeConfig(t.writeScopes);
  registerCrud(app, p, base, () => t, routeConfig(t.readScopes), write);

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

/** List, get, create, update and archive; `base` may hold an `:objectType` parameter that `typeOf` resolves. */
export function registerCrud(app: FastifyInstance, p: Platform, base: string, typeOf: TypeOf, read: RouteConfig, write: RouteConfig): void {
  app.get(base, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const t = await typeOf(request, "read");
    const q = queryOf(request);
    const limit = intParam(q, "limit", 10, 100);
    const page = { afterId: decodeAfter(stringParam(q, "after")), limit, archived: boolParam(q, "archived") };
    const { views, lastId } = await listObjects(p, accountId, t, page, viewOptions(q));
    return json(reply, 200, {
      results: views,
      ...(lastId !== undefined ? { paging: nextPaging(baseUrlOf(p, request), request.url.split("?")[0]!, encodeAfter(lastId)) } : {}),
    });
  });

  // Not an async function: a cached read answers without a promise (Fastify takes a thrown error or a rejection alike).
  // The body is JSON.stringify's: a serializer of the view's own shape (session 5) cost more once its string of
  // pieces was flattened for the socket (1.39 against 1.14 µs a view in a loop, with Buffer.byteLength as Fastify
  // takes it), and allocated 2.3 KB a get against one string.
  app.get<{ Params: { id: string } }>(`${base}/:id`, read, (request, reply): MaybePromise<void> => {
    const q = queryOf(request);
    const by = { idProperty: stringParam(q, "idProperty"), archived: boolParam(q, "archived") };
    // The account only: callerOf builds a write source (and its string id) that a read never uses.
    const { accountId } = request.app!;
    return after(typeOf(request, "read"), (t) =>
      after(readObject(p, accountId, t, request.params.id, by, viewOptions(q)), (view) => void json(reply, 200, JSON.stringify(view))),
    );
  });

  app.post(base, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const t = await typeOf(request, "write");
    const input = parseBody(createInput, absentAs(request.body, {}), "SimplePublicObjectInputForCreate");
    const { created } = await createRecords(p, accountId, t, [input], source, false);
    return json(reply, 201, objectView(t, created[0]!, "all"));
  });

  app.patch<{ Params: { id: string } }>(`${base}/:id`, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const t = await typeOf(request, "write");
    const body = parseBody(z.object({ properties: createInput.shape.properties }), absentAs(request.body, {}), "SimplePublicObjectInput");
    const idProperty = stringParam(queryOf(request), "idProperty");
    const { updated } = await updateRecords(
      p,
      accountId,
      t,
      [{ id: request.params.id, ...(idProperty ? { idProperty } : {}), properties: body.properties }],
      source,
    );
    if (!updated[0]) throw objectNotFound(t, request.params.id);
    return json(reply, 200, objectView(t, updated[0], "all"));
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, write, async (request, reply) => {
    await archiveObject(p, callerOf(request).accountId, await typeOf(request, "write"), request.params.id);
    return noContent(reply);
  });
}
