import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { DomainError, invalid } from "../errors/domain-error";
import type { ObjectType } from "./object-types";
import type { SchemaDefinition } from "./custom-object-types";
import {
  BUILT_IN_TYPES,
  decodeCustomTypeId,
  plainType,
  schemaAssociations,
  typesBetween,
  type AssociationCategory,
  type AssociationTypeDef,
} from "./association-types";

type Db = Kysely<Database>;

export interface AssociationSpec {
  associationCategory: AssociationCategory;
  associationTypeId: number;
}

export interface Endpoint {
  type: ObjectType;
  id: number;
}

/** Throws unless every id is a live record of the type in this account. */
export async function requireLive(db: Db, accountId: number, t: ObjectType, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const unique = [...new Set(ids)];
  const rows = await db
    .selectFrom("crm_objects")
    .select("id")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("archived", "=", 0)
    .where("id", "in", unique)
    .execute();
  const found = new Set(rows.map((r) => Number(r.id)));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new DomainError(
      "not_found",
      `No ${t.name} with id${missing.length > 1 ? "s" : ""} ${missing.join(", ")} exist${missing.length > 1 ? "" : "s"}.`,
      { context: { ids: missing.map(String) } },
    );
  }
}

/** Finds the type a spec names for this pair, or explains why it does not fit. */
function pickType(types: readonly AssociationTypeDef[], spec: AssociationSpec, from: ObjectType, to: ObjectType): AssociationTypeDef {
  const def = types.find((x) => x.typeId === spec.associationTypeId && x.category === spec.associationCategory);
  if (!def) {
    throw invalid(
      `${spec.associationCategory} association type ${spec.associationTypeId} does not exist from ${from.name} to ${to.name}.`,
      [
        {
          message: "Unknown association type",
          code: "INVALID_ASSOCIATION_TYPE",
          context: { associationTypeId: [String(spec.associationTypeId)] },
        },
      ],
    );
  }
  return def;
}

/** The v3 create body names only `to.id` and a type id; the type id says which object type (its id) `to` is. */
export async function targetTypeOf(db: Db, accountId: number, from: ObjectType, spec: AssociationSpec): Promise<string> {
  const builtIn = BUILT_IN_TYPES.find((x) => x.typeId === spec.associationTypeId && x.fromType === from.id);
  if (builtIn && spec.associationCategory === "HUBSPOT_DEFINED") return builtIn.toType;
  if (spec.associationCategory === "USER_DEFINED") {
    const target = (await customTargetOf(db, accountId, from, spec.associationTypeId)) ?? (await labelTargetOf(db, accountId, from, spec));
    if (target) return target;
  }
  if (spec.associationCategory === "INTEGRATOR_DEFINED") {
    const target = await labelTargetOf(db, accountId, from, spec);
    if (target) return target;
  }
  throw invalid(`${spec.associationCategory} association type ${spec.associationTypeId} does not start at ${from.name}.`, [
    {
      message: "Unknown association type",
      code: "INVALID_ASSOCIATION_TYPE",
      context: { associationTypeId: [String(spec.associationTypeId)] },
    },
  ]);
}

/** The far end of an account's label or an app's INTEGRATOR_DEFINED type (both kept in the labels table). */
async function labelTargetOf(db: Db, accountId: number, from: ObjectType, spec: AssociationSpec): Promise<string | undefined> {
  const user = await db
    .selectFrom("crm_association_labels")
    .select("to_type")
    .where("account_id", "=", accountId)
    .where("from_type", "=", from.id)
    .where("type_id", "=", spec.associationTypeId)
    .where("category", "=", spec.associationCategory)
    .executeTakeFirst();
  return user?.to_type;
}

/** The far end of a custom object's association type that starts at `from`. */
async function customTargetOf(db: Db, accountId: number, from: ObjectType, typeId: number): Promise<string | undefined> {
  const code = decodeCustomTypeId(typeId);
  if (!code) return undefined;
  const row = await db
    .selectFrom("crm_object_schemas")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", code.schemaId)
    .where("archived", "=", 0)
    .executeTakeFirst();
  if (!row) return undefined;
  const a = schemaAssociations({
    name: row.name,
    appId: row.app_id,
    definition: JSON.parse(row.definition) as SchemaDefinition,
    createdAt: Number(row.created_at),
  })[code.index];
  const self = `2-${code.schemaId}`;
  if (!a) return undefined;
  if (!code.inverse) return from.id === self ? a.toObjectTypeId : undefined;
  return from.id === a.toObjectTypeId ? self : undefined;
}

/**
 * Associates pairs with the given types (each with its inverse, and the plain association every label implies).
 * Records must already be checked live. Existing associations are left as they are.
 */
export async function associate(
  db: Db,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  pairs: ReadonlyArray<{ fromId: number; toId: number; specs: readonly AssociationSpec[] }>,
): Promise<void> {
  if (pairs.length === 0) return;
  const forward = await typesBetween(db, accountId, from.id, to.id);
  const backward = await typesBetween(db, accountId, to.id, from.id);
  const plain = plainType(forward);
  const rows: Database["crm_associations"][] = [];
  for (const { fromId, toId, specs } of pairs) {
    const defs = specs.map((s) => pickType(forward, s, from, to));
    if (plain && !defs.some((d) => d.typeId === plain.typeId)) defs.push(plain);
    for (const def of defs) {
      rows.push({
        account_id: accountId,
        from_type: from.id,
        from_id: fromId,
        to_type: to.id,
        to_id: toId,
        type_id: def.typeId,
        category: def.category,
      });
      const inverse = backward.find((b) => b.typeId === def.inverseId);
      if (inverse)
        rows.push({
          account_id: accountId,
          from_type: to.id,
          from_id: toId,
          to_type: from.id,
          to_id: fromId,
          type_id: inverse.typeId,
          category: inverse.category,
        });
    }
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("crm_associations")
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Every association starting at one record, whatever its target type. */
export function associationsFrom(db: Db, accountId: number, fromId: number) {
  return db.selectFrom("crm_associations").selectAll().where("account_id", "=", accountId).where("from_id", "=", fromId).execute();
}

/** The default (unlabeled) association, as PUT …/associations/default and batch/associate/default make it. */
export async function defaultSpec(db: Db, accountId: number, from: ObjectType, to: ObjectType): Promise<AssociationSpec> {
  const plain = plainType(await typesBetween(db, accountId, from.id, to.id));
  if (!plain)
    throw invalid(`${from.name} and ${to.name} have no default association type.`, [
      { message: "No default association", code: "INVALID_ASSOCIATION_TYPE" },
    ]);
  return { associationCategory: plain.category, associationTypeId: plain.typeId };
}

/** Deletes associations between pairs: all types, or only the given ones (and their inverses). */
export async function dissociate(
  db: Db,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  pairs: ReadonlyArray<{ fromId: number; toId: number }>,
  specs?: readonly AssociationSpec[],
): Promise<void> {
  const forward = specs ? await typesBetween(db, accountId, from.id, to.id) : [];
  const typeIds = specs?.map((s) => pickType(forward, s, from, to).typeId);
  const inverseIds = specs ? forward.filter((f) => typeIds!.includes(f.typeId)).map((f) => f.inverseId) : undefined;
  for (const { fromId, toId } of pairs) {
    let q = db
      .deleteFrom("crm_associations")
      .where("account_id", "=", accountId)
      .where("from_id", "=", fromId)
      .where("to_type", "=", to.id)
      .where("to_id", "=", toId);
    if (typeIds) q = q.where("type_id", "in", typeIds);
    await q.execute();
    let back = db
      .deleteFrom("crm_associations")
      .where("account_id", "=", accountId)
      .where("from_id", "=", toId)
      .where("to_type", "=", from.id)
      .where("to_id", "=", fromId);
    if (inverseIds) back = back.where("type_id", "in", inverseIds.length ? inverseIds : [-1]);
    await back.execute();
  }
}

export interface AssociatedObject {
  toObjectId: string;
  associationTypes: Array<{ category: AssociationCategory; typeId: number; label: string | null }>;
}

/**
 * A page of the records associated with each of `fromIds`, by target id ascending, with every type that links them.
 * Returns up to `limit` targets per source and whether more follow.
 */
export async function associatedPage(
  db: Db,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  fromIds: readonly number[],
  afterToId: number,
  limit: number,
): Promise<Map<number, { results: AssociatedObject[]; more: boolean }>> {
  const out = new Map<number, { results: AssociatedObject[]; more: boolean }>();
  for (const id of fromIds) out.set(id, { results: [], more: false });
  if (fromIds.length === 0) return out;
  const rows = await db
    .selectFrom("crm_associations")
    .select(["from_id", "to_id", "type_id", "category"])
    .where("account_id", "=", accountId)
    .where("from_id", "in", [...fromIds])
    .where("to_type", "=", to.id)
    .where("to_id", ">", afterToId)
    .orderBy("from_id")
    .orderBy("to_id")
    .orderBy("type_id")
    .execute();
  const types = await typesBetween(db, accountId, from.id, to.id);
  for (const r of rows) {
    const entry = out.get(Number(r.from_id))!;
    const toId = String(r.to_id);
    let last = entry.results[entry.results.length - 1];
    if (!last || last.toObjectId !== toId) {
      if (entry.results.length === limit) {
        entry.more = true;
        continue;
      }
      last = { toObjectId: toId, associationTypes: [] };
      entry.results.push(last);
    }
    const def = types.find((t) => t.typeId === r.type_id);
    last.associationTypes.push({ category: r.category as AssociationCategory, typeId: r.type_id, label: def?.label ?? null });
  }
  return out;
}

/** v3 `associations` on an object: `{companies: {results: [{id, type}]}}`, one entry per target and type. */
export async function v3Associations(
  db: Db,
  accountId: number,
  from: ObjectType,
  targets: readonly ObjectType[],
  fromIds: readonly number[],
): Promise<Map<number, Record<string, { results: Array<{ id: string; type: string }> }>>> {
  const out = new Map<number, Record<string, { results: Array<{ id: string; type: string }> }>>();
  if (targets.length === 0 || fromIds.length === 0) return out;
  const rows = await db
    .selectFrom("crm_associations")
    .select(["from_id", "to_type", "to_id", "type_id"])
    .where("account_id", "=", accountId)
    .where("from_id", "in", [...fromIds])
    .where(
      "to_type",
      "in",
      targets.map((t) => t.id),
    )
    .orderBy("from_id")
    .orderBy("to_id")
    .orderBy("type_id")
    .execute();
  const typeCache = new Map<string, AssociationTypeDef[]>();
  for (const t of targets) typeCache.set(t.id, await typesBetween(db, accountId, from.id, t.id));
  for (const r of rows) {
    const target = targets.find((t) => t.id === r.to_type)!;
    const def = typeCache.get(r.to_type)?.find((d) => d.typeId === r.type_id);
    const byType = out.get(Number(r.from_id)) ?? {};
    out.set(Number(r.from_id), byType);
    (byType[target.name] ??= { results: [] }).results.push({
      id: String(r.to_id),
      type: def?.name ?? `${from.singular}_to_${target.singular}`,
    });
  }
  return out;
}

/** The labels now linking one pair, for LabelsBetweenObjectPair. */
export async function labelsBetween(
  db: Db,
  accountId: number,
  from: ObjectType,
  fromId: number,
  to: ObjectType,
  toId: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("crm_associations")
    .select("type_id")
    .where("account_id", "=", accountId)
    .where("from_id", "=", fromId)
    .where("to_type", "=", to.id)
    .where("to_id", "=", toId)
    .execute();
  const types = await typesBetween(db, accountId, from.id, to.id);
  return rows.map((r) => types.find((t) => t.typeId === r.type_id)?.label).filter((l): l is string => !!l);
}
