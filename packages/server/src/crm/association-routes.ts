import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { absentAs, parseBody } from "../http/parse-body";
import { resolveObjectType, type ObjectType } from "./object-types";
import { parseObjectId } from "./object-store";
import { associate, associatedPage, defaultSpec, dissociate, labelsBetween, requireLive } from "./associations";
import { nextUserTypeId, typesBetween } from "./association-types";
import { batchResponse, standardError, type StandardError } from "./batch-response";
import { decodeAfter, encodeAfter, nextPaging } from "./paging-cursor";
import { intParam, stringParam } from "./query-params";
import { associationSpecInput, checkBatchSize, inTransaction } from "./object-writes";
import { baseUrlOf, callerOf, json, noContent, queryOf, routeConfig } from "./route-kit";
import { labelInput } from "./property-definitions";

const idInput = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const objectId = z.object({ id: idInput });

function idOf(t: ObjectType, raw: string): number {
  const id = parseObjectId(raw);
  if (id === undefined) throw notFound(`No ${t.name} with id ${raw} exists.`);
  return id;
}

/** v4 associations starting at one object type, under one of its path names. */
export function registerAssociationRoutes(app: FastifyInstance, p: Platform, from: ObjectType, alias: string): void {
  const read = routeConfig(from.readScopes);
  const write = routeConfig(from.writeScopes);
  const objectBase = `/crm/v4/objects/${alias}/:objectId/associations`;
  const db = p.store.db;
  type PairParams = { objectId: string; toObjectType: string; toObjectId: string };

  app.put<{ Params: PairParams }>(`${objectBase}/:toObjectType/:toObjectId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const specs = parseBody(z.array(associationSpecInput).min(1), absentAs(request.body, []), "AssociationSpec[]");
    const fromId = idOf(from, request.params.objectId);
    const toId = idOf(to, request.params.toObjectId);
    const labels = await inTransaction(p, async (trx) => {
      await requireLive(trx, accountId, from, [fromId]);
      await requireLive(trx, accountId, to, [toId]);
      await associate(trx, accountId, from, to, [{ fromId, toId, specs }]);
      return labelsBetween(trx, accountId, from, fromId, to, toId);
    });
    return json(reply, 201, { fromObjectTypeId: from.id, fromObjectId: String(fromId), toObjectTypeId: to.id, toObjectId: String(toId), labels });
  });

  app.delete<{ Params: PairParams }>(`${objectBase}/:toObjectType/:toObjectId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const fromId = idOf(from, request.params.objectId);
    const toId = idOf(to, request.params.toObjectId);
    await inTransaction(p, (trx) => dissociate(trx, accountId, from, to, [{ fromId, toId }]));
    return noContent(reply);
  });

  app.put<{ Params: PairParams }>(`/crm/v4/objects/${alias}/:objectId/associations/default/:toObjectType/:toObjectId`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const fromId = idOf(from, request.params.objectId);
    const toId = idOf(to, request.params.toObjectId);
    const spec = defaultSpec(from, to);
    await inTransaction(p, async (trx) => {
      await requireLive(trx, accountId, from, [fromId]);
      await requireLive(trx, accountId, to, [toId]);
      await associate(trx, accountId, from, to, [{ fromId, toId, specs: [spec] }]);
    });
    const results = [
      { from: { id: String(fromId) }, to: { id: String(toId) }, associationSpec: spec },
      { from: { id: String(toId) }, to: { id: String(fromId) }, associationSpec: defaultSpec(to, from) },
    ];
    return json(reply, 200, batchResponse(results, [], startedAt, 200).body);
  });

  app.get<{ Params: { objectId: string; toObjectType: string } }>(`${objectBase}/:toObjectType`, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const fromId = idOf(from, request.params.objectId);
    await requireLive(db, accountId, from, [fromId]);
    const q = queryOf(request);
    const limit = intParam(q, "limit", 500, 500);
    const page = (await associatedPage(db, accountId, from, to, [fromId], decodeAfter(stringParam(q, "after")), limit)).get(fromId)!;
    const last = page.results[page.results.length - 1];
    const path = `/crm/v4/objects/${alias}/${fromId}/associations/${request.params.toObjectType}`;
    return json(reply, 200, { results: page.results, ...(page.more && last ? { paging: nextPaging(baseUrlOf(p, request), path, encodeAfter(Number(last.toObjectId))) } : {}) });
  });

  registerBatchAssociationRoutes(app, p, from, alias);
  registerLabelRoutes(app, p, from, alias);
}

function registerBatchAssociationRoutes(app: FastifyInstance, p: Platform, from: ObjectType, alias: string): void {
  const read = routeConfig(from.readScopes);
  const write = routeConfig(from.writeScopes);
  const base = `/crm/v4/associations/${alias}/:toObjectType/batch`;
  type Params = { toObjectType: string };

  app.post<{ Params: Params }>(`${base}/create`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const { inputs } = parseBody(z.object({ inputs: z.array(z.object({ from: objectId, to: objectId, types: z.array(associationSpecInput).min(1) })) }), absentAs(request.body, {}), "BatchInputPublicAssociationMultiPost");
    checkBatchSize(inputs.length);
    const { results, errors } = await inTransaction(p, async (trx) => {
      const pairs = inputs.map((i) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(i.to.id), specs: i.types, raw: i }));
      const { live, errors } = await splitLive(trx, accountId, from, to, pairs);
      await associate(trx, accountId, from, to, live.map((x) => ({ fromId: x.fromId!, toId: x.toId!, specs: x.specs })));
      const results = [];
      for (const x of live) {
        results.push({ fromObjectTypeId: from.id, fromObjectId: String(x.fromId), toObjectTypeId: to.id, toObjectId: String(x.toId), labels: await labelsBetween(trx, accountId, from, x.fromId!, to, x.toId!) });
      }
      return { results, errors };
    });
    const { status, body } = batchResponse(results, errors, startedAt, 201);
    return json(reply, status, body);
  });

  app.post<{ Params: Params }>(`${base}/associate/default`, write, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const { inputs } = parseBody(z.object({ inputs: z.array(z.object({ from: objectId, to: objectId })) }), absentAs(request.body, {}), "BatchInputPublicDefaultAssociationMultiPost");
    checkBatchSize(inputs.length);
    const spec = defaultSpec(from, to);
    const { results, errors } = await inTransaction(p, async (trx) => {
      const pairs = inputs.map((i) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(i.to.id), specs: [spec] }));
      const { live, errors } = await splitLive(trx, accountId, from, to, pairs);
      await associate(trx, accountId, from, to, live.map((x) => ({ fromId: x.fromId!, toId: x.toId!, specs: x.specs })));
      return { results: live.map((x) => ({ from: { id: String(x.fromId) }, to: { id: String(x.toId) }, associationSpec: spec })), errors };
    });
    const { body } = batchResponse(results, errors, startedAt, 200);
    // The SDK accepts only 200 here, so failures ride along in the body.
    return json(reply, 200, body);
  });

  app.post<{ Params: Params }>(`${base}/read`, read, async (request, reply) => {
    const startedAt = Date.now();
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const { inputs } = parseBody(z.object({ inputs: z.array(z.object({ id: idInput, after: z.string().optional() })) }), absentAs(request.body, {}), "BatchInputPublicFetchAssociationsBatchRequest");
    checkBatchSize(inputs.length);
    const db = p.store.db;
    const ids = inputs.map((i) => parseObjectId(i.id));
    const liveRows = await db.selectFrom("crm_objects").select("id").where("account_id", "=", accountId).where("object_type_id", "=", from.id).where("archived", "=", 0).where("id", "in", ids.filter((x): x is number => x !== undefined).concat(-1)).execute();
    const live = new Set(liveRows.map((r) => Number(r.id)));
    const results = [];
    const missing: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const id = ids[i];
      if (id === undefined || !live.has(id)) {
        missing.push(input.id);
        continue;
      }
      const page = (await associatedPage(db, accountId, from, to, [id], decodeAfter(input.after), 500)).get(id)!;
      const last = page.results[page.results.length - 1];
      results.push({ from: { id: String(id) }, to: page.results, ...(page.more && last ? { paging: { next: { after: encodeAfter(Number(last.toObjectId)) } } } : {}) });
    }
    const errors = missing.length ? [standardError("OBJECT_NOT_FOUND", `No ${from.name} with ids ${missing.join(", ")} exist.`, { ids: missing })] : [];
    const { status, body } = batchResponse(results, errors, startedAt, 200);
    return json(reply, status, body);
  });

  const archiveInput = z.object({ inputs: z.array(z.object({ from: objectId, to: z.array(objectId) })) });
  app.post<{ Params: Params }>(`${base}/archive`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const { inputs } = parseBody(archiveInput, absentAs(request.body, {}), "BatchInputPublicAssociationMultiArchive");
    checkBatchSize(inputs.length);
    const pairs = inputs.flatMap((i) => i.to.map((t) => ({ fromId: parseObjectId(i.from.id), toId: parseObjectId(t.id) }))).filter((x): x is { fromId: number; toId: number } => x.fromId !== undefined && x.toId !== undefined);
    await inTransaction(p, (trx) => dissociate(trx, accountId, from, to, pairs));
    return noContent(reply);
  });

  const labelsArchiveInput = z.object({ inputs: z.array(z.object({ from: objectId, to: objectId, types: z.array(associationSpecInput).min(1) })) });
  app.post<{ Params: Params }>(`${base}/labels/archive`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
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

/** Splits batch pairs into those whose both ends are live records of this account and errors for the rest. */
async function splitLive<T extends { fromId: number | undefined; toId: number | undefined }>(db: Parameters<typeof requireLive>[0], accountId: number, from: ObjectType, to: ObjectType, pairs: T[]): Promise<{ live: T[]; errors: StandardError[] }> {
  const liveIds = async (t: ObjectType, ids: number[]) =>
    new Set((await db.selectFrom("crm_objects").select("id").where("account_id", "=", accountId).where("object_type_id", "=", t.id).where("archived", "=", 0).where("id", "in", ids.concat(-1)).execute()).map((r) => Number(r.id)));
  const fromLive = await liveIds(from, pairs.map((x) => x.fromId).filter((x): x is number => x !== undefined));
  const toLive = await liveIds(to, pairs.map((x) => x.toId).filter((x): x is number => x !== undefined));
  const live = pairs.filter((x) => x.fromId !== undefined && x.toId !== undefined && fromLive.has(x.fromId) && toLive.has(x.toId));
  const dead = pairs.filter((x) => !live.includes(x));
  const errors = dead.length
    ? [standardError("OBJECT_NOT_FOUND", `Some records do not exist: ${dead.map((x) => `${from.name} ${x.fromId ?? "?"} → ${to.name} ${x.toId ?? "?"}`).join(", ")}.`, { fromIds: dead.map((x) => String(x.fromId ?? "")), toIds: dead.map((x) => String(x.toId ?? "")) })]
    : [];
  return { live, errors };
}

/** USER_DEFINED association labels between two object types. */
function registerLabelRoutes(app: FastifyInstance, p: Platform, from: ObjectType, alias: string): void {
  const read = routeConfig(from.readScopes);
  const write = routeConfig(from.writeScopes);
  const base = `/crm/v4/associations/${alias}/:toObjectType/labels`;
  type Params = { toObjectType: string };
  const specView = (d: { category: string; typeId: number; label: string | null }) => ({ category: d.category, typeId: d.typeId, ...(d.label !== null ? { label: d.label } : {}) });

  app.get<{ Params: Params }>(base, read, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    return json(reply, 200, { results: (await typesBetween(p.store.db, accountId, from.id, to.id)).map(specView) });
  });

  app.post<{ Params: Params }>(base, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const input = parseBody(z.object({ label: labelInput, name: z.string().regex(/^[a-z0-9_]{1,100}$/i, "letters, digits and underscores only, at most 100"), inverseLabel: labelInput.optional() }), absentAs(request.body, {}), "PublicAssociationDefinitionCreateRequest");
    const created = await inTransaction(p, async (trx) => {
      const existing = await trx.selectFrom("crm_association_labels").select("type_id").where("account_id", "=", accountId).where("from_type", "=", from.id).where("to_type", "=", to.id).where("name", "=", input.name).executeTakeFirst();
      if (existing) throw new DomainError("conflict", `An association label named ${input.name} already exists from ${from.name} to ${to.name}.`);
      const forwardId = await nextUserTypeId(trx, accountId);
      const rows = [
        { account_id: accountId, from_type: from.id, to_type: to.id, type_id: forwardId, label: input.label, name: input.name },
        { account_id: accountId, from_type: to.id, to_type: from.id, type_id: forwardId + 1, label: input.inverseLabel ?? input.label, name: input.name },
      ];
      await trx.insertInto("crm_association_labels").values(rows).execute();
      return rows;
    });
    return json(reply, 200, { results: created.map((r) => ({ category: "USER_DEFINED", typeId: r.type_id, label: r.label })) });
  });

  app.put<{ Params: Params }>(base, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const input = parseBody(z.object({ associationTypeId: z.number().int(), label: labelInput, inverseLabel: labelInput.optional() }), absentAs(request.body, {}), "PublicAssociationDefinitionUpdateRequest");
    await inTransaction(p, async (trx) => {
      const row = await trx.selectFrom("crm_association_labels").selectAll().where("account_id", "=", accountId).where("from_type", "=", from.id).where("to_type", "=", to.id).where("type_id", "=", input.associationTypeId).executeTakeFirst();
      if (!row) throw notFound(`No USER_DEFINED association type ${input.associationTypeId} from ${from.name} to ${to.name}.`);
      await trx.updateTable("crm_association_labels").set({ label: input.label }).where("account_id", "=", accountId).where("type_id", "=", row.type_id).where("from_type", "=", from.id).execute();
      if (input.inverseLabel) {
        await trx.updateTable("crm_association_labels").set({ label: input.inverseLabel }).where("account_id", "=", accountId).where("name", "=", row.name).where("from_type", "=", to.id).where("to_type", "=", from.id).where("type_id", "<>", row.type_id).execute();
      }
    });
    return noContent(reply);
  });

  app.delete<{ Params: Params & { associationTypeId: string } }>(`${base}/:associationTypeId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const to = resolveObjectType(request.params.toObjectType);
    const typeId = Number(request.params.associationTypeId);
    if (!Number.isInteger(typeId)) throw invalid(`associationTypeId must be an integer (got ${request.params.associationTypeId}).`);
    await inTransaction(p, async (trx) => {
      const row = await trx.selectFrom("crm_association_labels").selectAll().where("account_id", "=", accountId).where("from_type", "=", from.id).where("to_type", "=", to.id).where("type_id", "=", typeId).executeTakeFirst();
      if (!row) throw notFound(`No USER_DEFINED association type ${typeId} from ${from.name} to ${to.name}.`);
      const pair = await trx.selectFrom("crm_association_labels").select(["type_id", "from_type"]).where("account_id", "=", accountId).where("name", "=", row.name).where((eb) => eb.or([eb.and([eb("from_type", "=", from.id), eb("to_type", "=", to.id)]), eb.and([eb("from_type", "=", to.id), eb("to_type", "=", from.id)])])).execute();
      for (const r of pair) {
        await trx.deleteFrom("crm_associations").where("account_id", "=", accountId).where("from_type", "=", r.from_type).where("type_id", "=", r.type_id).where("category", "=", "USER_DEFINED").execute();
        await trx.deleteFrom("crm_association_labels").where("account_id", "=", accountId).where("from_type", "=", r.from_type).where("type_id", "=", r.type_id).execute();
      }
    });
    return noContent(reply);
  });
}
