import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { findObjectType, objectTypeById } from "./object-types";
import type { SchemaAssociation, SchemaDefinition } from "./custom-object-types";

export type AssociationCategory = "HUBSPOT_DEFINED" | "USER_DEFINED" | "INTEGRATOR_DEFINED";

export interface AssociationTypeDef {
  typeId: number;
  category: AssociationCategory;
  fromType: string;
  toType: string;
  label: string | null;
  /** The v3 name: "contact_to_company", "contact_to_company_unlabeled", or a label's internal name. */
  name: string;
  inverseId: number;
  /** The plain association every labelled one implies. */
  unlabeled: boolean;
}

type Row = [typeId: number, from: string, to: string, label: string | null, inverseId: number, unlabeled: boolean];

/**
 * Activities to contacts, companies, deals and tickets. HubSpot's ids, per activity: [to contact, to company, to deal,
 * to ticket], each inverse being one less (contactToNote 201 / noteToContact 202, …).
 */
const ENGAGEMENT_IDS: Record<string, [number, number, number, number]> = {
  "0-46": [202, 190, 214, 228],
  "0-27": [204, 192, 216, 230],
  "0-48": [194, 182, 206, 220],
  "0-49": [198, 186, 210, 224],
  "0-47": [200, 188, 212, 226],
};
const ENGAGEMENT_ROWS: Row[] = Object.entries(ENGAGEMENT_IDS).flatMap(([activity, ids]) =>
  (["0-1", "0-2", "0-3", "0-5"] as const).flatMap((record, i): Row[] => [
    [ids[i]!, activity, record, null, ids[i]! - 1, true],
    [ids[i]! - 1, record, activity, null, ids[i]!, true],
  ]),
);

const BUILT_IN_ROWS: Row[] = [
  [1, "0-1", "0-2", "Primary", 2, false],
  [2, "0-2", "0-1", null, 1, false],
  [279, "0-1", "0-2", null, 280, true],
  [280, "0-2", "0-1", null, 279, true],
  [3, "0-3", "0-1", null, 4, true],
  [4, "0-1", "0-3", null, 3, true],
  [5, "0-3", "0-2", "Primary", 6, false],
  [6, "0-2", "0-3", null, 5, false],
  [341, "0-3", "0-2", null, 342, true],
  [342, "0-2", "0-3", null, 341, true],
  [15, "0-1", "0-5", null, 16, true],
  [16, "0-5", "0-1", null, 15, true],
  [26, "0-5", "0-2", "Primary", 25, false],
  [25, "0-2", "0-5", null, 26, false],
  [339, "0-5", "0-2", null, 340, true],
  [340, "0-2", "0-5", null, 339, true],
  [27, "0-3", "0-5", null, 28, true],
  [28, "0-5", "0-3", null, 27, true],
  [19, "0-3", "0-8", null, 20, true],
  [20, "0-8", "0-3", null, 19, true],
  [64, "0-14", "0-3", null, 63, true],
  [63, "0-3", "0-14", null, 64, true],
  [67, "0-14", "0-8", null, 68, true],
  [68, "0-8", "0-14", null, 67, true],
  [69, "0-14", "0-1", null, 70, true],
  [70, "0-1", "0-14", null, 69, true],
  [71, "0-14", "0-2", null, 72, true],
  [72, "0-2", "0-14", null, 71, true],
  ...ENGAGEMENT_ROWS,
];

const v3Name = (from: string, to: string, unlabeledWithPrimary: boolean) =>
  `${objectTypeById(from).singular}_to_${objectTypeById(to).singular}${unlabeledWithPrimary ? "_unlabeled" : ""}`;

export const BUILT_IN_TYPES: readonly AssociationTypeDef[] = BUILT_IN_ROWS.map(
  ([typeId, fromType, toType, label, inverseId, unlabeled]) => {
    const hasPrimary = BUILT_IN_ROWS.some((r) => r[1] === fromType && r[2] === toType && !r[5]);
    return {
      typeId,
      category: "HUBSPOT_DEFINED",
      fromType,
      toType,
      label,
      name: v3Name(fromType, toType, unlabeled && hasPrimary),
      inverseId,
      unlabeled,
    };
  },
);

/** First id handed to an account's own labels, clear of HubSpot's. */
const FIRST_USER_TYPE_ID = 1000;

/** Every association type from one object type to another for this account. */
export async function typesBetween(
  db: Kysely<Database>,
  accountId: number,
  fromType: string,
  toType: string,
): Promise<AssociationTypeDef[]> {
  const rows = await db
    .selectFrom("crm_association_labels")
    .selectAll()
    .where("account_id", "=", accountId)
    .where((eb) =>
      eb.or([
        eb.and([eb("from_type", "=", fromType), eb("to_type", "=", toType)]),
        eb.and([eb("from_type", "=", toType), eb("to_type", "=", fromType)]),
      ]),
    )
    .execute();
  const user = rows
    .filter((r) => r.from_type === fromType && r.to_type === toType)
    .map((r): AssociationTypeDef => {
      const inverse = rows.find(
        (x) =>
          x.name === r.name && x.category === r.category && x.from_type === toType && x.to_type === fromType && x.type_id !== r.type_id,
      );
      const unlabeled = r.unlabeled === 1;
      return {
        typeId: r.type_id,
        category: r.category as AssociationCategory,
        fromType,
        toType,
        label: unlabeled ? null : r.label,
        name: r.name,
        inverseId: inverse?.type_id ?? r.type_id,
        unlabeled,
      };
    });
  const custom = isCustomTypeId(fromType) || isCustomTypeId(toType) ? await customTypesBetween(db, accountId, fromType, toType) : [];
  return [...BUILT_IN_TYPES.filter((t) => t.fromType === fromType && t.toType === toType), ...custom, ...user];
}

/** The plain type every association of the pair carries (built-in, or a custom object's definition). */
export const plainType = (types: readonly AssociationTypeDef[]) => types.find((t) => t.unlabeled);

/**
 * A custom object's association definitions get type ids in a band of their own, far above the account's labels
 * (which count up from 1000): the schema's id and the definition's place fix them, so they need no table of their own
 * and a type id alone says which schema and definition it is.
 */
const CUSTOM_TYPE_BASE = 1_000_000;
/** At most 100 definitions per schema, each with a forward and an inverse id. */
export const MAX_SCHEMA_ASSOCIATIONS = 100;

export const isCustomTypeId = (objectTypeId: string) => objectTypeId.startsWith("2-");

const customTypeId = (schemaId: number, index: number, inverse: boolean) =>
  CUSTOM_TYPE_BASE + schemaId * MAX_SCHEMA_ASSOCIATIONS * 2 + index * 2 + (inverse ? 1 : 0);

/** Which schema and definition a custom association type id stands for, if it is one. */
export function decodeCustomTypeId(typeId: number): { schemaId: number; index: number; inverse: boolean } | undefined {
  if (typeId < CUSTOM_TYPE_BASE) return undefined;
  const rest = typeId - CUSTOM_TYPE_BASE;
  return {
    schemaId: Math.floor(rest / (MAX_SCHEMA_ASSOCIATIONS * 2)),
    index: Math.floor((rest % (MAX_SCHEMA_ASSOCIATIONS * 2)) / 2),
    inverse: rest % 2 === 1,
  };
}

/**
 * A schema's association definitions; one stored before definitions existed has one per associated standard object.
 * An app object's `associatedObjects` come from its app's `app-object-association` components, whose types are the
 * app's INTEGRATOR_DEFINED ones (in the labels table), so only definitions added through the schemas API count.
 */
export function schemaAssociations(s: {
  name: string;
  appId: number | null;
  definition: SchemaDefinition;
  createdAt: number;
}): SchemaAssociation[] {
  if (s.appId !== null) return s.definition.associations ?? [];
  return (
    s.definition.associations ??
    s.definition.associatedObjects.flatMap((upper) => {
      const t = findObjectType(upper);
      return t ? [{ toObjectTypeId: t.id, name: `${s.name}_to_${t.singular}`, createdAt: s.createdAt }] : [];
    })
  );
}

/** One definition as its forward type (schema → target) or its inverse (target → schema). */
export function customAssociationType(schemaId: number, index: number, a: SchemaAssociation, inverse: boolean): AssociationTypeDef {
  const self = `2-${schemaId}`;
  return {
    typeId: customTypeId(schemaId, index, inverse),
    category: "USER_DEFINED",
    fromType: inverse ? a.toObjectTypeId : self,
    toType: inverse ? self : a.toObjectTypeId,
    label: null,
    name: a.name,
    inverseId: customTypeId(schemaId, index, !inverse),
    unlabeled: true,
  };
}

async function customTypesBetween(
  db: Kysely<Database>,
  accountId: number,
  fromType: string,
  toType: string,
): Promise<AssociationTypeDef[]> {
  const ids = [fromType, toType].filter(isCustomTypeId).map((t) => Number(t.slice(2)));
  if (ids.some((id) => !Number.isSafeInteger(id))) return [];
  const rows = await db
    .selectFrom("crm_object_schemas")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("archived", "=", 0)
    .where("id", "in", ids)
    .execute();
  const out: AssociationTypeDef[] = [];
  for (const r of rows) {
    const self = `2-${r.id}`;
    const list = schemaAssociations({
      name: r.name,
      appId: r.app_id,
      definition: JSON.parse(r.definition) as SchemaDefinition,
      createdAt: Number(r.created_at),
    });
    list.forEach((a, i) => {
      if (self === fromType && a.toObjectTypeId === toType) out.push(customAssociationType(Number(r.id), i, a, false));
      if (self === toType && a.toObjectTypeId === fromType) out.push(customAssociationType(Number(r.id), i, a, true));
    });
  }
  return out;
}

export async function nextUserTypeId(db: Kysely<Database>, accountId: number): Promise<number> {
  const row = await db
    .selectFrom("crm_association_labels")
    .select((eb) => eb.fn.max("type_id").as("max"))
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return Math.max(FIRST_USER_TYPE_ID, Number(row?.max ?? 0) + 1);
}
