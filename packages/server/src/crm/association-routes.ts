import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { invalid, notFound } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import type { ObjectType } from "./object-types";
import type { TypeOf } from "./object-routes";
import { parseObjectId } from "./object-store";
import { associate, associatedPage, defaultSpec, dissociate, labelsBetween, requireLive } from "./associations";
import { typesBetween } from "./association-types";
import { readAssociationPages, splitLive } from "./association-batch";
import { createAssociationLabel, deleteAssociationLabel, updateAssociationLabel } from "./association-labels";
import { batchResponse, standardError } from "./batch-response";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { intParam, stringParam } from "./query-params";
import { associationSpecInput, checkBatchSize, inTransaction } from "./object-writes";
import { baseUrlOf, callerOf, json, noContent, queryOf, type RouteConfig } from "./route-kit";
import { labelInput } from "./property-definitions";
import { associationChanges } from "./crm-events";

const idInput = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const objectId = z.object({ id: idInput });

function idOf(t: ObjectType, raw: string): number {
  const id = parseObjectId(raw);
  if (id === undefined) throw notFound(`No ${t.name} with id ${raw} exists.`);
  return id;
}

/**
 * v4 associations starting at one object type, under one of its path names; `alias` may be the `:objectType`
 * parameter that `typeOf` resolves (custom and app objects). The other side is any type of the caller's account.
 */
export function registerAssociationRoutes(
  app: FastifyInstance,
  p: Platform,
  alias: string,
  typeOf: TypeOf,
  read: RouteConfig,
  write: RouteConfig,
): void {
  const objectBase = `/crm/v4/objects/${alias}/:objectId/associations`;
  const db = p.store.db;
  type PairParams = { objectId: string; toObjectType: string; toObjectId: string };

  app.put<{ Params: PairParams }>(`${objectBase}/:toObjectType/:toObjectId`, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const specs = parseBody(z.array(associationSpecInput).min(1), absentAs(request.body, []), "AssociationSpec[]");
    const fromId = idOf(from, request.params.objectId);
    const toId = idOf(to, request.params.toObjectId);
    const labels = await inTransaction(p, async (trx) => {
      await requireLive(trx, accountId, from, [fromId]);
      await requireLive(trx, accountId, to, [toId]);
      await associate(trx, accountId, from, to, [{ fromId, toId, specs }]);
      return labelsBetween(trx, accountId, from, fromId, to, toId);
    });
    p.crm.events.emit(associationChanges(accountId, from, to, [{ fromId, toId }], false, p.clock.now(), source));
    return json(reply, 201, {
      fromObjectTypeId: from.id,
      fromObjectId: String(fromId),
      toObjectTypeId: to.id,
      toObjectId: String(toId),
      labels,
    });
  });

  app.delete<{ Params: PairParams }>(`${objectBase}/:toObjectType/:toObjectId`, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const fromId = idOf(from, request.params.objectId);
    const toId = idOf(to, request.params.toObjectId);
    await inTransaction(p, (trx) => dissociate(trx, accountId, from, to, [{ fromId, toId }]));
    p.crm.events.emit(associationChanges(accountId, from, to, [{ fromId, toId }], true, p.clock.now(), source));
    return noContent(reply);
  });

  app.put<{ Params: PairParams }>(
    `/crm/v4/objects/${alias}/:objectId/associations/default/:toObjectType/:toObjectId`,
    write,
    async (request, reply) => {
      const startedAt = Date.now();
      const { accountId, source } = callerOf(request);
      const from = await typeOf(request, "write");
      const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
      const fromId = idOf(from, request.params.objectId);
      const toId = idOf(to, request.params.toObjectId);
      const spec = await defaultSpec(p.store.db, accountId, from, to);
      await inTransaction(p, async (trx) => {
        await requireLive(trx, accountId, from, [fromId]);
        await requireLive(trx, accountId, to, [toId]);
        await associate(trx, accountId, from, to, [{ fromId, toId, specs: [spec] }]);
      });
      p.crm.events.emit(associationChanges(accountId, from, to, [{ fromId, toId }], false, p.clock.now(), source));
      const results = [
        { from: { id: String(fromId) }, to: { id: String(toId) }, associationSpec: spec },
        { from: { id: String(toId) }, to: { id: String(fromId) }, associationSpec: await defaultSpec(p.store.db, accountId, to, from) },
      ];
      return json(reply, 200, batchResponse(results, [], startedAt, 200).body);
    },
  );

  app.get<{ Params: { objectId: string; toObjectType: string } }>(`${objectBase}/:toObjectType`, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "read");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const fromId = idOf(from, request.params.objectId);
    await requireLive(db, accountId, from, [fromId]);
    const q = queryOf(request);
    const limit = intParam(q, "limit", 500, 500);
    const page = (await associatedPage(db, accountId, from, to, [fromId], decodeAfter(stringParam(q, "after")), limit)).get(fromId)!;
    const last = page.results[page.results.length - 1];
    const fromPath = (request.params as { objectType?: string }).objectType ?? alias;
    const path = `/crm/v4/objects/${fromPath}/${fromId}/associations/${request.params.toObjectType}`;
    return json(reply, 200, {
      results: page.results,
      ...(page.more && last ? { paging: nextPaging(baseUrlOf(p, request), path, encodeAfter(Number(last.toObjectId))) } : {}),
    });
  });

  registerBatchAssociationRoutes(app, p, alias, typeOf, read, write);
  registerLabelRoutes(app, p, alias, typeOf, read, write);
}

function registerBatchAssociationRoutes(
  app: FastifyInstance,
  p: Platform,
  alias: string,
  typeOf: TypeOf,
  read: RouteConfig,
  write: RouteConfig,
): void {
  const base = `/crm/v4/associations/${alias}/:toObjectType/batch`;
  type Params = { toObjectType: string };

  app.post<{ Params: Params }>(`${base}/create`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId, source } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const { inputs } = parseBody(
      z.object({ inputs: z.array(z.object({ from: objectId, to: objectId, types: z.array(associationSpecInput).min(1) })) }),
      absentAs(request.body, {}),
      "BatchInputPublicAssociationMultiPost",
    );
    checkBatchSize(inputs.length);
    const { results, errors } = await inTransaction(p, async (trx) => {
      const pairs = inputs.map((i) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(i.to.id), specs: i.types, raw: i }));
      const { live, errors } = await splitLive(trx, accountId, from, to, pairs);
      await associate(
        trx,
        accountId,
        from,
        to,
        live.map((x) => ({ fromId: x.fromId!, toId: x.toId!, specs: x.specs })),
      );
      const results = [];
      for (const x of live) {
        results.push({
          fromObjectTypeId: from.id,
          fromObjectId: String(x.fromId),
          toObjectTypeId: to.id,
          toObjectId: String(x.toId),
          labels: await labelsBetween(trx, accountId, from, x.fromId!, to, x.toId!),
        });
      }
      return { results, errors };
    });
    p.crm.events.emit(
      associationChanges(
        accountId,
        from,
        to,
        results.map((r) => ({ fromId: Number(r.fromObjectId), toId: Number(r.toObjectId) })),
        false,
        p.clock.now(),
        source,
      ),
    );
    const { status, body } = batchResponse(results, errors, startedAt, 201);
    return json(reply, status, body);
  });

  app.post<{ Params: Params }>(`${base}/associate/default`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId, source } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const { inputs } = parseBody(
      z.object({ inputs: z.array(z.object({ from: objectId, to: objectId })) }),
      absentAs(request.body, {}),
      "BatchInputPublicDefaultAssociationMultiPost",
    );
    checkBatchSize(inputs.length);
    const spec = await defaultSpec(p.store.db, accountId, from, to);
    const { results, errors } = await inTransaction(p, async (trx) => {
      const pairs = inputs.map((i) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(i.to.id), specs: [spec] }));
      const { live, errors } = await splitLive(trx, accountId, from, to, pairs);
      await associate(
        trx,
        accountId,
        from,
        to,
        live.map((x) => ({ fromId: x.fromId!, toId: x.toId!, specs: x.specs })),
      );
      return { results: live.map((x) => ({ from: { id: String(x.fromId) }, to: { id: String(x.toId) }, associationSpec: spec })), errors };
    });
    p.crm.events.emit(
      associationChanges(
        accountId,
        from,
        to,
        results.map((r) => ({ fromId: Number(r.from.id), toId: Number(r.to.id) })),
        false,
        p.clock.now(),
        source,
      ),
    );
    const { body } = batchResponse(results, errors, startedAt, 200);
    // The SDK accepts only 200 here, so failures ride along in the body.
    return json(reply, 200, body);
  });

  app.post<{ Params: Params }>(`${base}/read`, read, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "read");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const { inputs } = parseBody(
      z.object({ inputs: z.array(z.object({ id: idInput, after: z.string().optional() })) }),
      absentAs(request.body, {}),
      "BatchInputPublicFetchAssociationsBatchRequest",
    );
    checkBatchSize(inputs.length);
    const { results, missing } = await readAssociationPages(p.store.db, accountId, from, to, inputs);
    const errors = missing.length
      ? [standardError("OBJECT_NOT_FOUND", `No ${from.name} with ids ${missing.join(", ")} exist.`, { ids: missing })]
      : [];
    const { status, body } = batchResponse(results, errors, startedAt, 200);
    return json(reply, status, body);
  });

  const archiveInput = z.object({ inputs: z.array(z.object({ from: objectId, to: z.array(objectId) })) });
  app.post<{ Params: Params }>(`${base}/archive`, write, async (request, reply) => {
    const { accountId, source } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const { inputs } = parseBody(archiveInput, absentAs(request.body, {}), "BatchInputPublicAssociationMultiArchive");
    checkBatchSize(inputs.length);
    const pairs = inputs
      .flatMap((i) => i.to.map((t) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(t.id) })))
      .filter((x): x is { fromId: number; toId: number } => x.fromId !== undefined && x.toId !== undefined);
    await inTransaction(p, (trx) => dissociate(trx, accountId, from, to, pairs));
    p.crm.events.emit(associationChanges(accountId, from, to, pairs, true, p.clock.now(), source));
    return noContent(reply);
  });

  const labelsArchiveInput = z.object({
    inputs: z.array(z.object({ from: objectId, to: objectId, types: z.array(associationSpecInput).min(1) })),
  });
  app.post<{ Params: Params }>(`${base}/labels/archive`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const { inputs } = parseBody(labelsArchiveInput, absentAs(request.body, {}), "BatchInputPublicAssociationMultiPost");
    checkBatchSize(inputs.length);
    await inTransaction(p, async (trx) => {
      for (const i of inputs) {
        const fromId = parseObjectId(i.from.id);
        const toId = parseObjectId(i.to.id);
        if (fromId !== undefined && toId !== undefined) await dissociate(trx, accountId, from, to, [{ fromId, toId }], i.types);
      }
    });
    return noContent(reply);
  });
}

/** USER_DEFINED association labels between two object types. */
function registerLabelRoutes(
  app: FastifyInstance,
  p: Platform,
  alias: string,
  typeOf: TypeOf,
  read: RouteConfig,
  write: RouteConfig,
): void {
  const base = `/crm/v4/associations/${alias}/:toObjectType/labels`;
  type Params = { toObjectType: string };
  const specView = (d: { category: string; typeId: number; label: string | null }) => ({
    category: d.category,
    typeId: d.typeId,
    ...(d.label !== null ? { label: d.label } : {}),
  });

  app.get<{ Params: Params }>(base, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "read");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    return json(reply, 200, { results: (await typesBetween(p.store.db, accountId, from.id, to.id)).map(specView) });
  });

  app.post<{ Params: Params }>(base, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const input = parseBody(
      z.object({
        label: labelInput,
        name: z.string().regex(/^[a-z0-9_]{1,100}$/i, "letters, digits and underscores only, at most 100"),
        inverseLabel: labelInput.optional(),
      }),
      absentAs(request.body, {}),
      "PublicAssociationDefinitionCreateRequest",
    );
    const created = await createAssociationLabel(p, accountId, from, to, input);
    return json(reply, 200, { results: created.map((r) => ({ category: "USER_DEFINED", typeId: r.type_id, label: r.label })) });
  });

  app.put<{ Params: Params }>(base, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const input = parseBody(
      z.object({ associationTypeId: z.number().int(), label: labelInput, inverseLabel: labelInput.optional() }),
      absentAs(request.body, {}),
      "PublicAssociationDefinitionUpdateRequest",
    );
    await updateAssociationLabel(p, accountId, from, to, input);
    return noContent(reply);
  });

  app.delete<{ Params: Params & { associationTypeId: string } }>(`${base}/:associationTypeId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const from = await typeOf(request, "write");
    const to = await p.crm.types.resolve(accountId, request.params.toObjectType);
    const typeId = Number(request.params.associationTypeId);
    if (!Number.isInteger(typeId)) throw invalid(`associationTypeId must be an integer (got ${request.params.associationTypeId}).`);
    await deleteAssociationLabel(p, accountId, from, to, typeId);
    return noContent(reply);
  });
}
