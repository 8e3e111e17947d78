import type { Kysely } from "kysely";
import { z } from "zod";
import type { Platform } from "../platform";
import type { Database } from "../store/schema";
import { DomainError, invalid } from "../errors/domain-error";
import type { ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { normaliseProperties, propertyValuesError, type PropertyProblem } from "./property-values";
import {
  checkUnique,
  getObjects,
  insertObjects,
  parseObjectId,
  resolveIds,
  uniqueClaims,
  updateObjects,
  type StoredObject,
  type WriteSource,
} from "./object-store";
import { noteCrmWrites } from "./table-stats";
import { generationKey, writesOf } from "./search-generations";
import { pgCreate } from "./pg-create";
import { writePool } from "../store/pg-prepared";
import { associate, requireLive, targetTypeOf, type AssociationSpec } from "./associations";
import { standardError, type StandardError } from "./batch-response";
import { eventBase, propertyChanges } from "./crm-events";

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const propertiesInput = z.record(z.string(), value);
const idInput = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
export const associationSpecInput = z.object({
  associationCategory: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]),
  associationTypeId: z.number().int(),
});
export const createInput = z.object({
  properties: propertiesInput.default({}),
  associations: z.array(z.object({ to: z.object({ id: idInput }), types: z.array(associationSpecInput).min(1) })).optional(),
  objectWriteTraceId: z.string().optional(),
});
export type CreateInput = z.infer<typeof createInput>;
export const updateInput = z.object({
  id: idInput,
  idProperty: z.string().optional(),
  properties: propertiesInput,
  objectWriteTraceId: z.string().optional(),
});
export type UpdateInput = z.infer<typeof updateInput>;

export const BATCH_LIMIT = 100;

export function checkBatchSize(n: number): void {
  if (n > BATCH_LIMIT)
    throw invalid(`Batch size ${n} is over the limit of ${BATCH_LIMIT} inputs.`, [
      { message: "Too many inputs", code: "TOO_MANY_INPUTS", in: "inputs" },
    ]);
}

export type Db = Kysely<Database>;

/**
 * Runs `fn` in one transaction: everything in it goes through `trx` (on SQLite the store has a single connection).
 * After the commit, before the caller answers, the search generations of the types it wrote records of move on
 * (crm/search-generations.ts): a search that starts after the answer does not take an index built before the write.
 */
export async function inTransaction<T>(p: Platform, fn: (trx: Db) => Promise<T>): Promise<T> {
  let written: string[] = [];
  const result = await p.store.db.transaction().execute(async (trx) => {
    const out = await fn(trx);
    written = writesOf(trx);
    return out;
  });
  await p.crm.search.written(written);
  return result;
}

function traceContext(input: { objectWriteTraceId?: string | undefined }, index: number): Record<string, string[]> {
  return input.objectWriteTraceId ? { objectWriteTraceId: [input.objectWriteTraceId] } : { inputIndex: [String(index)] };
}

/**
 * Creates records with their associations, atomically. With `partial` (batch inputs that all carry
 * objectWriteTraceId, as HubSpot requires for 207s) invalid inputs become errors and the rest are created.
 */
export async function createRecords(
  p: Platform,
  accountId: number,
  t: ObjectType,
  inputs: readonly CreateInput[],
  source: WriteSource,
  partial: boolean,
): Promise<{ created: StoredObject[]; errors: StandardError[] }> {
  const defs = await p.crm.properties.live(accountId, t.id);
  const errors: StandardError[] = [];
  const accepted: Array<{ input: CreateInput; values: Record<string, string | null> }> = [];
  const allProblems: PropertyProblem[] = [];
  inputs.forEach((input, i) => {
    const { values, problems } = normaliseProperties(defs, input.properties);
    if (problems.length === 0) accepted.push({ input, values });
    else if (partial)
      errors.push(
        standardError("VALIDATION_ERROR", propertyValuesError(problems, accountId).message, {
          ...traceContext(input, i),
          propertyName: problems.map((x) => x.name),
        }),
      );
    else allProblems.push(...problems);
  });
  if (allProblems.length > 0) throw propertyValuesError(allProblems, accountId);
  const now = p.clock.now();
  const created =
    (await createInOneMessage(p, accountId, t, defs, accepted, now, source)) ??
    (await inTransaction(p, async (trx) => {
      await checkUnique(
        trx,
        accountId,
        t,
        defs,
        accepted.map((a) => ({ values: a.values })),
      );
      const objects = await insertObjects(
        trx,
        accountId,
        t,
        defs,
        accepted.map((a) => ({ values: a.values })),
        now,
        source,
      );
      for (const [i, a] of accepted.entries()) await createAssociations(p, trx, accountId, t, objects[i]!.id, a.input.associations ?? []);
      return objects;
    }));
  noteCrmWrites(p, created.length);
  const base = eventBase(accountId, t.id, now, source);
  p.crm.events.emit(
    created.flatMap((o, i) => [
      { ...base, objectId: o.id, kind: "creation" as const },
      ...propertyChanges(base, o.id, {}, accepted[i]!.values),
    ]),
  );
  return { created, errors };
}

/**
 * On PostgreSQL, records without associations are created in one round trip (crm/pg-create.ts), then the type's search
 * generation moves on as `inTransaction` moves it; undefined where that does not apply, for the transaction path.
 */
async function createInOneMessage(
  p: Platform,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  accepted: ReadonlyArray<{ input: CreateInput; values: Record<string, string | null> }>,
  now: number,
  source: WriteSource,
): Promise<StoredObject[] | undefined> {
  const pool = writePool(p.store.db);
  if (!pool || accepted.length === 0 || accepted.some((a) => (a.input.associations ?? []).length > 0)) return undefined;
  const claims = uniqueClaims(
    defs,
    accepted.map((a) => ({ values: a.values })),
  );
  if (!claims) return undefined;
  const result = await pgCreate(pool, accountId, t, defs, accepted, claims, now, source);
  if (!result) return undefined;
  if ("conflict" in result) throw result.conflict;
  await p.crm.search.written([generationKey(accountId, t.id)]);
  return result.created;
}

async function createAssociations(
  p: Platform,
  trx: Db,
  accountId: number,
  t: ObjectType,
  fromId: number,
  list: NonNullable<CreateInput["associations"]>,
): Promise<void> {
  for (const a of list) {
    const toId = parseObjectId(a.to.id);
    const target = await p.crm.types.resolve(accountId, await targetTypeOf(trx, accountId, t, a.types[0]!));
    if (toId === undefined) throw new DomainError("not_found", `No ${target.name} with id ${a.to.id} exists.`);
    await requireLive(trx, accountId, target, [toId]);
    await associate(trx, accountId, t, target, [{ fromId, toId, specs: a.types as AssociationSpec[] }]);
  }
}

/** Updates records found by id or idProperty; unknown ones are reported, the rest updated atomically. */
export async function updateRecords(
  p: Platform,
  accountId: number,
  t: ObjectType,
  inputs: readonly UpdateInput[],
  source: WriteSource,
): Promise<{ updated: StoredObject[]; missing: string[] }> {
  const defs = await p.crm.properties.live(accountId, t.id);
  const normalised = inputs.map((input) => ({ input, ...normaliseProperties(defs, input.properties) }));
  const problems = normalised.flatMap((n) => n.problems);
  if (problems.length > 0) throw propertyValuesError(problems, accountId);
  const now = p.clock.now();
  const base = eventBase(accountId, t.id, now, source);
  const result = await inTransaction(p, async (trx) => {
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
    const missing: string[] = [];
    const updates: Array<{ object: StoredObject; values: Record<string, string | null> }> = [];
    normalised.forEach((n, i) => {
      const object = ids[i] === undefined ? undefined : found.get(ids[i]!);
      if (object) updates.push({ object, values: n.values });
      else missing.push(n.input.id);
    });
    await checkUnique(
      trx,
      accountId,
      t,
      defs,
      updates.map((u) => ({ id: u.object.id, values: u.values })),
    );
    // Compared before the update, which may complete the records in place.
    const changes = updates.flatMap((u) => propertyChanges(base, u.object.id, { ...u.object.properties }, u.values));
    return { updated: await updateObjects(trx, accountId, t, defs, updates, now, source), missing, changes };
  });
  p.crm.events.emit(result.changes);
  return { updated: result.updated, missing: result.missing };
}

/** Inputs may mix idProperty values; each distinct idProperty is resolved in one query. */
export async function resolveInputIds(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  inputs: ReadonlyArray<{ id: string; idProperty?: string | undefined }>,
): Promise<Array<number | undefined>> {
  const out: Array<number | undefined> = new Array(inputs.length);
  const byProp = new Map<string, number[]>();
  inputs.forEach((input, i) => {
    const key = input.idProperty ?? "hs_object_id";
    byProp.set(key, [...(byProp.get(key) ?? []), i]);
  });
  for (const [prop, indexes] of byProp) {
    const ids = await resolveIds(
      db,
      accountId,
      t,
      defs,
      indexes.map((i) => inputs[i]!.id),
      prop,
    );
    indexes.forEach((inputIndex, k) => (out[inputIndex] = ids[k]));
  }
  return out;
}

/**
 * HubSpot refuses a batch that names one record twice: by the same id, by two spellings of it ("0388", "388"), or by
 * its id and by an idProperty value. Two writes of one record in one statement would otherwise collide in the index
 * (a 500) or let the second silently win. Inputs that name no record count by their raw value.
 */
export function refuseDuplicateIds(
  inputs: ReadonlyArray<{ id: string; idProperty?: string | undefined }>,
  ids: ReadonlyArray<number | undefined>,
): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  inputs.forEach((input, i) => {
    const id = ids[i];
    const key = id !== undefined ? String(id) : `${input.idProperty ?? "hs_object_id"}:${input.id.toLowerCase()}`;
    if (seen.has(key)) duplicates.add(id !== undefined ? String(id) : input.id);
    seen.add(key);
  });
  if (duplicates.size === 0) return;
  const list = [...duplicates];
  throw invalid(`Duplicate IDs found in batch input: [${list.join(", ")}]. IDs must be unique`, undefined, { ids: list });
}

export const notFoundError = (t: ObjectType, ids: readonly string[]) =>
  standardError("OBJECT_NOT_FOUND", `Could not get some ${t.upper} objects, they may be deleted or not exist. Check that ids are valid.`, {
    ids: [...ids],
  });
