import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../store/schema";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import {
  defaultGroupsOf,
  defaultPropertiesOf,
  FIELD_TYPES,
  PROPERTY_TYPES,
  type FieldType,
  type GroupSpec,
  type PropertySpec,
  type PropertyType,
} from "./default-properties";
import type { ObjectType } from "./object-types";
import { PIPELINE_PROPERTIES, accountPipelines, pipelineView } from "./pipelines";

/** A property as this account sees it: HubSpot's default, possibly changed by the account, or the account's own. */
export interface PropertyDef extends PropertySpec {
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

type Db = Kysely<Database>;

/** When HubSpot-defined properties claim to have been created. */
const HUBSPOT_EPOCH = Date.UTC(2019, 7, 6, 2, 41, 52);

/** Every definition of a type, HubSpot's defaults under the account's own, archived ones included. */
export async function allProperties(db: Db, accountId: number, typeId: string): Promise<Map<string, PropertyDef>> {
  const defs = new Map<string, PropertyDef>();
  for (const spec of defaultPropertiesOf(typeId))
    defs.set(spec.name, { ...spec, createdAt: HUBSPOT_EPOCH, updatedAt: HUBSPOT_EPOCH, archived: false });
  const rows = await db
    .selectFrom("crm_properties")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", typeId)
    .execute();
  for (const row of rows) {
    const spec = JSON.parse(row.definition) as PropertySpec;
    defs.set(row.name, {
      ...spec,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      archived: row.archived === 1,
      ...(row.archived ? { archivedAt: row.updated_at } : {}),
    });
  }
  const holders = PIPELINE_PROPERTIES[typeId];
  if (holders) await pipelineOptions(db, accountId, typeId, holders, defs);
  return defs;
}

/** The pipeline and stage properties offer the account's live pipelines and their stages, as HubSpot's do. */
async function pipelineOptions(
  db: Db,
  accountId: number,
  typeId: string,
  holders: { pipeline: string; stage: string },
  defs: Map<string, PropertyDef>,
): Promise<void> {
  const pipelines = (await accountPipelines(db, accountId, typeId)).map(pipelineView);
  const option = (value: string, label: string, displayOrder: number) => ({ value, label, displayOrder, hidden: false });
  const set = (name: string, options: PropertyDef["options"]) => {
    const def = defs.get(name);
    if (def) defs.set(name, { ...def, options });
  };
  set(
    holders.pipeline,
    pipelines.map((x, i) => option(x.id, x.label, i)),
  );
  set(
    holders.stage,
    pipelines.flatMap((x) => x.stages).map((st, i) => option(st.id, st.label, i)),
  );
}

/** HubSpot's `Property` body. */
export function propertyView(d: PropertyDef): Record<string, unknown> {
  const { readOnlyValue, createdAt, updatedAt, archivedAt, ...rest } = d;
  return {
    ...rest,
    calculated: false,
    modificationMetadata: { archivable: !d.hubspotDefined, readOnlyDefinition: d.hubspotDefined, readOnlyValue },
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
    ...(archivedAt !== undefined ? { archivedAt: new Date(archivedAt).toISOString() } : {}),
    dataSensitivity: "non_sensitive",
  };
}

export async function listProperties(db: Db, accountId: number, t: ObjectType, archived: boolean): Promise<PropertyDef[]> {
  return [...(await allProperties(db, accountId, t.id)).values()].filter((d) => d.archived === archived);
}

export async function getProperty(db: Db, accountId: number, t: ObjectType, name: string, archived: boolean): Promise<PropertyDef> {
  const d = (await allProperties(db, accountId, t.id)).get(name);
  if (!d || d.archived !== archived) throw propertyNotFound(t, name);
  return d;
}

const propertyNotFound = (t: ObjectType, name: string) =>
  new DomainError("not_found", `Unable to find property ${name} for object type ${t.id}.`);

/**
 * Definition sizes. Every read and write of a type loads all its definitions, so one oversized definition (100,000
 * options, a 100 KB label) slows every call of the account. 5,000 options per property is the cap HubSpot's
 * knowledge base gives for dropdown, radio and checkbox properties (its API reference gives none); HubSpot documents
 * no label or description length, so those are Sprocket's own, far above any real label.
 */
export const DEFINITION_LIMITS = { optionsPerProperty: 5000, labelLength: 1000, optionValueLength: 1000, descriptionLength: 10_000 };

/** A label as every definition takes it: not empty, not longer than DEFINITION_LIMITS.labelLength. */
export const labelInput = z.string().min(1).max(DEFINITION_LIMITS.labelLength, `at most ${DEFINITION_LIMITS.labelLength} characters`);
const descriptionInput = z.string().max(DEFINITION_LIMITS.descriptionLength, `at most ${DEFINITION_LIMITS.descriptionLength} characters`);

const optionInput = z.object({
  label: labelInput,
  value: z.string().min(1).max(DEFINITION_LIMITS.optionValueLength, `at most ${DEFINITION_LIMITS.optionValueLength} characters`),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  description: descriptionInput.optional(),
});

export const propertyCreateInput = z.object({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,99}$/,
      "must start with a lowercase letter and hold only lowercase letters, digits and underscores (at most 100)",
    ),
  label: labelInput,
  type: z.enum(PROPERTY_TYPES as [PropertyType, ...PropertyType[]]),
  fieldType: z.enum(FIELD_TYPES),
  groupName: z.string().min(1),
  description: descriptionInput.optional(),
  options: z
    .array(optionInput)
    .max(DEFINITION_LIMITS.optionsPerProperty, `at most ${DEFINITION_LIMITS.optionsPerProperty} options per property`)
    .optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
  calculationFormula: z.string().optional(),
});
export type PropertyCreateInput = z.infer<typeof propertyCreateInput>;

export const propertyUpdateInput = propertyCreateInput.omit({ name: true, hasUniqueValue: true, referencedObjectType: true }).partial();

const FIELD_TYPES_OF: Record<PropertyType, readonly FieldType[]> = {
  string: ["text", "textarea", "phonenumber", "html", "file"],
  number: ["number", "calculation_equation"],
  date: ["date"],
  datetime: ["date"],
  enumeration: ["select", "radio", "checkbox", "booleancheckbox"],
  bool: ["booleancheckbox"],
};

async function checkSpec(db: Db, accountId: number, t: ObjectType, spec: PropertySpec): Promise<void> {
  if (!FIELD_TYPES_OF[spec.type].includes(spec.fieldType)) {
    throw invalid(
      `Property ${spec.name}: fieldType "${spec.fieldType}" does not fit type "${spec.type}" (use one of ${FIELD_TYPES_OF[spec.type].join(", ")}).`,
      [{ message: "Invalid fieldType for type", in: "fieldType", code: "INVALID_FIELD_TYPE" }],
    );
  }
  if (spec.type === "enumeration" && !spec.externalOptions && spec.options.length === 0) {
    throw invalid(`Property ${spec.name}: an enumeration needs at least one option.`, [
      { message: "Options required", in: "options", code: "OPTIONS_REQUIRED" },
    ]);
  }
  const values = spec.options.map((o) => o.value);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined)
    throw invalid(`Property ${spec.name}: option value "${dup}" is used twice.`, [
      { message: "Duplicate option value", in: "options", code: "DUPLICATE_OPTION" },
    ]);
  const groups = await listGroups(db, accountId, t, false);
  if (!groups.some((g) => g.name === spec.groupName)) {
    throw invalid(`Property group ${spec.groupName} does not exist for object type ${t.id}.`, [
      { message: "Unknown property group", in: "groupName", code: "GROUP_DOESNT_EXIST" },
    ]);
  }
}

function specFromCreate(input: PropertyCreateInput): PropertySpec {
  const options =
    input.options?.map((o, i) => ({
      label: o.label,
      value: o.value,
      displayOrder: o.displayOrder ?? i,
      hidden: o.hidden ?? false,
      ...(o.description ? { description: o.description } : {}),
    })) ??
    (input.type === "bool"
      ? [
          { label: "Yes", value: "true", displayOrder: 0, hidden: false },
          { label: "No", value: "false", displayOrder: 1, hidden: false },
        ]
      : []);
  return {
    name: input.name,
    label: input.label,
    type: input.type,
    fieldType: input.fieldType,
    groupName: input.groupName,
    description: input.description ?? "",
    options,
    displayOrder: input.displayOrder ?? -1,
    hasUniqueValue: input.hasUniqueValue ?? false,
    hidden: input.hidden ?? false,
    formField: input.formField ?? false,
    hubspotDefined: false,
    externalOptions: input.externalOptions ?? false,
    readOnlyValue: false,
    ...(input.referencedObjectType ? { referencedObjectType: input.referencedObjectType } : {}),
  };
}

/** Creates one property (through PropertyDefinitions, which drops its cached definitions). */
export async function createProperty(
  db: Db,
  accountId: number,
  t: ObjectType,
  input: PropertyCreateInput,
  now: number,
): Promise<PropertyDef> {
  const existing = (await allProperties(db, accountId, t.id)).get(input.name);
  if (existing && !existing.archived)
    throw new DomainError("conflict", `A property named '${input.name}' already exists.`, { context: { name: [input.name] } });
  const spec = specFromCreate(input);
  await checkSpec(db, accountId, t, spec);
  await db
    .deleteFrom("crm_properties")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", input.name)
    .execute();
  await db
    .insertInto("crm_properties")
    .values({
      account_id: accountId,
      object_type_id: t.id,
      name: spec.name,
      definition: JSON.stringify(spec),
      archived: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { ...spec, createdAt: now, updatedAt: now, archived: false };
}

export async function updateProperty(
  db: Db,
  accountId: number,
  t: ObjectType,
  name: string,
  body: unknown,
  now: number,
): Promise<PropertyDef> {
  const input = parseBody(propertyUpdateInput, body, "PropertyUpdate");
  const current = await getProperty(db, accountId, t, name, false);
  if (current.hubspotDefined && (input.type !== undefined || input.fieldType !== undefined)) {
    throw invalid(`Property ${name} is defined by HubSpot: its type and fieldType cannot change.`, [
      { message: "Read-only definition", in: "type", code: "READ_ONLY_DEFINITION" },
    ]);
  }
  const { options, ...rest } = input;
  const { createdAt, updatedAt, archived, archivedAt, ...currentSpec } = current;
  const spec: PropertySpec = {
    ...currentSpec,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    ...(options
      ? {
          options: options.map((o, i) => ({
            label: o.label,
            value: o.value,
            displayOrder: o.displayOrder ?? i,
            hidden: o.hidden ?? false,
          })),
        }
      : {}),
  };
  await checkSpec(db, accountId, t, spec);
  const row = { definition: JSON.stringify(spec), archived: 0, updated_at: now };
  const updated = await db
    .updateTable("crm_properties")
    .set(row)
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db
      .insertInto("crm_properties")
      .values({ account_id: accountId, object_type_id: t.id, name, created_at: createdAt, ...row })
      .execute();
  }
  return { ...spec, createdAt, updatedAt: now, archived: false };
}

export async function archiveProperty(db: Db, accountId: number, t: ObjectType, name: string, now: number): Promise<void> {
  const current = await getProperty(db, accountId, t, name, false);
  if (current.hubspotDefined) {
    throw invalid(`Property ${name} is defined by HubSpot and cannot be archived.`, [
      { message: "Not archivable", in: name, code: "NOT_ARCHIVABLE" },
    ]);
  }
  await db
    .updateTable("crm_properties")
    .set({ archived: 1, updated_at: now })
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", name)
    .execute();
}

// Groups ---------------------------------------------------------------------------------------------------------

export interface GroupDef extends GroupSpec {
  archived: boolean;
}

export async function listGroups(db: Db, accountId: number, t: ObjectType, archived: boolean): Promise<GroupDef[]> {
  const groups = new Map<string, GroupDef>();
  for (const g of defaultGroupsOf(t.id)) groups.set(g.name, { ...g, archived: false });
  const rows = await db
    .selectFrom("crm_property_groups")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .execute();
  for (const r of rows) groups.set(r.name, { name: r.name, label: r.label, displayOrder: r.display_order, archived: r.archived === 1 });
  return [...groups.values()].filter((g) => g.archived === archived);
}

export async function getGroup(db: Db, accountId: number, t: ObjectType, name: string): Promise<GroupDef> {
  const g = (await listGroups(db, accountId, t, false)).find((x) => x.name === name);
  if (!g) throw notFound(`Unable to find property group ${name} for object type ${t.id}.`);
  return g;
}

export const groupCreateInput = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,99}$/, "must start with a lowercase letter and hold only lowercase letters, digits and underscores"),
  label: labelInput,
  displayOrder: z.number().int().optional(),
});
export const groupUpdateInput = z.object({ label: labelInput.optional(), displayOrder: z.number().int().optional() });

export async function createGroup(db: Db, accountId: number, t: ObjectType, body: unknown): Promise<GroupDef> {
  const input = parseBody(groupCreateInput, body, "PropertyGroupCreate");
  if ((await listGroups(db, accountId, t, false)).some((g) => g.name === input.name)) {
    throw new DomainError("conflict", `A property group named '${input.name}' already exists.`);
  }
  const row = {
    account_id: accountId,
    object_type_id: t.id,
    name: input.name,
    label: input.label,
    display_order: input.displayOrder ?? -1,
    archived: 0,
  };
  await db
    .deleteFrom("crm_property_groups")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", input.name)
    .execute();
  await db.insertInto("crm_property_groups").values(row).execute();
  return { name: row.name, label: row.label, displayOrder: row.display_order, archived: false };
}

export async function updateGroup(db: Db, accountId: number, t: ObjectType, name: string, body: unknown): Promise<GroupDef> {
  const input = parseBody(groupUpdateInput, body, "PropertyGroupUpdate");
  const g = await getGroup(db, accountId, t, name);
  const next = {
    ...g,
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.displayOrder !== undefined ? { displayOrder: input.displayOrder } : {}),
  };
  await db
    .deleteFrom("crm_property_groups")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", name)
    .execute();
  await db
    .insertInto("crm_property_groups")
    .values({ account_id: accountId, object_type_id: t.id, name, label: next.label, display_order: next.displayOrder, archived: 0 })
    .execute();
  return next;
}

export async function archiveGroup(db: Db, accountId: number, t: ObjectType, name: string): Promise<void> {
  const g = await getGroup(db, accountId, t, name);
  if (defaultGroupsOf(t.id).some((d) => d.name === name))
    throw invalid(`Property group ${name} is defined by HubSpot and cannot be archived.`);
  const inUse = (await listProperties(db, accountId, t, false)).find((p) => p.groupName === name);
  if (inUse) throw invalid(`Property group ${name} still holds property ${inUse.name}; move or archive its properties first.`);
  await db
    .deleteFrom("crm_property_groups")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", name)
    .execute();
  await db
    .insertInto("crm_property_groups")
    .values({ account_id: accountId, object_type_id: t.id, name, label: g.label, display_order: g.displayOrder, archived: 1 })
    .execute();
}

export const groupView = (g: GroupDef) => ({ name: g.name, label: g.label, displayOrder: g.displayOrder, archived: g.archived });
