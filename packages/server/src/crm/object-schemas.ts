import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { CUSTOM_GROUP } from "./default-properties";
import {
  customObjectType,
  fullyQualifiedName,
  type CustomObjectSchema,
  type SchemaAssociation,
  type SchemaDefinition,
} from "./custom-object-types";
import { findObjectType } from "./object-types";
import { MAX_SCHEMA_ASSOCIATIONS, customAssociationType, schemaAssociations } from "./association-types";
import { labelInput, propertyCreateInput, propertyView, type PropertyDef } from "./property-definitions";

const schemaInput = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, "must start with a letter and hold only letters, digits and underscores"),
  labels: z.object({ singular: labelInput, plural: labelInput }),
  description: z.string().optional(),
  primaryDisplayProperty: z.string().optional(),
  secondaryDisplayProperties: z.array(z.string()).optional(),
  requiredProperties: z.array(z.string()),
  searchableProperties: z.array(z.string()).optional(),
  // HubSpot's ObjectTypePropertyCreate: the group is optional there (the object's own group).
  properties: z.array(propertyCreateInput.extend({ groupName: z.string().min(1).optional() })).min(1),
  associatedObjects: z.array(z.string()),
});

const invalid = (message: string) => new DomainError("invalid", message);

/** Creates a custom object type with its properties (HubSpot's `POST /crm/v3/schemas`). */
export async function createSchema(p: Platform, accountId: number, body: unknown): Promise<CustomObjectSchema> {
  const input = parseBody(schemaInput, body, "ObjectSchemaEgg");
  const names = new Set(input.properties.map((x) => x.name));
  const primaryDisplayProperty = input.primaryDisplayProperty ?? input.properties[0]!.name;
  for (const [field, list] of [
    ["primaryDisplayProperty", [primaryDisplayProperty]],
    ["requiredProperties", input.requiredProperties],
    ["searchableProperties", input.searchableProperties ?? []],
    ["secondaryDisplayProperties", input.secondaryDisplayProperties ?? []],
  ] as const) {
    const missing = list.find((n) => !names.has(n));
    if (missing !== undefined) throw invalid(`${field} names ${missing}, which is not one of the schema's properties.`);
  }
  const associatedTypes = input.associatedObjects.map((n) => {
    const t = findObjectType(n);
    if (!t) throw invalid(`associatedObjects: unknown object type ${n}.`);
    return t;
  });
  const associatedObjects = associatedTypes.map((t) => t.upper);
  const now = p.clock.now();
  const name = input.name.toLowerCase();
  const definition: SchemaDefinition = {
    labels: input.labels,
    ...(input.description !== undefined ? { description: input.description } : {}),
    primaryDisplayProperty,
    secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
    requiredProperties: input.requiredProperties,
    searchableProperties: input.searchableProperties ?? [],
    associatedObjects,
    associations: associatedTypes.map((t) => ({ toObjectTypeId: t.id, name: `${name}_to_${t.singular}`, createdAt: now })),
  };
  const schema = await p.store.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("crm_object_schemas")
      .select("id")
      .where("account_id", "=", accountId)
      .where("name", "=", name)
      .executeTakeFirst();
    if (taken) throw new DomainError("conflict", `Object type with name ${name} already exists.`);
    const row = await trx
      .insertInto("crm_object_schemas")
      .values({
        account_id: accountId,
        name,
        app_id: null,
        component_uid: null,
        definition: JSON.stringify(definition),
        archived: 0,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const s: CustomObjectSchema = {
      id: Number(row.id),
      accountId,
      name,
      appId: null,
      componentUid: null,
      definition,
      createdAt: now,
      updatedAt: now,
    };
    const t = customObjectType(s);
    for (const prop of input.properties)
      await p.crm.properties.create(trx, accountId, t, { ...prop, groupName: prop.groupName ?? CUSTOM_GROUP });
    return s;
  });
  p.crm.types.invalidate(accountId);
  return schema;
}

/** One of the account's custom schemas by any of its names, or HubSpot's 404. */
export async function getSchema(p: Platform, accountId: number, nameOrId: string): Promise<CustomObjectSchema> {
  const schemas = await p.crm.types.customSchemas(accountId);
  const wanted = nameOrId.toLowerCase();
  const found = schemas.find((s) => customObjectType(s).aliases.includes(wanted) || s.name === wanted);
  if (!found) throw new DomainError("not_found", `Unable to find object type ${nameOrId}.`);
  return found;
}

/** HubSpot's `ObjectSchema` body: the schema with the account's own properties of the type. */
export async function schemaView(p: Platform, s: CustomObjectSchema): Promise<Record<string, unknown>> {
  const t = customObjectType(s);
  const defs: Map<string, PropertyDef> = await p.crm.properties.live(s.accountId, t.id);
  const at = (ms: number) => new Date(ms).toISOString();
  return {
    id: String(s.id),
    objectTypeId: t.id,
    fullyQualifiedName: fullyQualifiedName(s),
    name: s.name,
    labels: s.definition.labels,
    ...(s.definition.description !== undefined ? { description: s.definition.description } : {}),
    primaryDisplayProperty: s.definition.primaryDisplayProperty,
    secondaryDisplayProperties: s.definition.secondaryDisplayProperties,
    requiredProperties: s.definition.requiredProperties,
    searchableProperties: s.definition.searchableProperties,
    properties: [...defs.values()].filter((d) => !d.hubspotDefined).map(propertyView),
    associations: [...schemaAssociations(s).map((a, i) => associationDefinitionView(s, i, a)), ...(await appAssociationViews(p, s))],
    archived: false,
    createdAt: at(s.createdAt),
    updatedAt: at(s.updatedAt),
  };
}

/** HubSpot's `AssociationDefinition`: its id is the forward association type id. */
function associationDefinitionView(s: CustomObjectSchema, index: number, a: SchemaAssociation) {
  const at = new Date(a.createdAt).toISOString();
  return {
    id: String(customAssociationType(s.id, index, a, false).typeId),
    fromObjectTypeId: `2-${s.id}`,
    toObjectTypeId: a.toObjectTypeId,
    name: a.name,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * An app object's app-object associations (its app's INTEGRATOR_DEFINED types from it), which HubSpot's schema lists
 * beside the others. They have no date of their own: the app object's stand in.
 */
async function appAssociationViews(p: Platform, s: CustomObjectSchema) {
  if (s.appId === null) return [];
  const self = `2-${s.id}`;
  const rows = await p.store.db
    .selectFrom("crm_association_labels")
    .select(["type_id", "to_type", "name"])
    .where("account_id", "=", s.accountId)
    .where("app_id", "=", s.appId)
    .where("from_type", "=", self)
    .where("unlabeled", "=", 1)
    .orderBy("type_id")
    .execute();
  return rows.map((r) => ({
    id: String(r.type_id),
    fromObjectTypeId: self,
    toObjectTypeId: r.to_type,
    name: r.name,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  }));
}

const associationInput = z.object({
  fromObjectTypeId: z.string().min(1),
  toObjectTypeId: z.string().min(1),
  name: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/i, "letters, digits and underscores only, at most 100")
    .optional(),
});

/**
 * A new association definition from a custom object to a standard or custom type (HubSpot's
 * `POST /crm/v3/schemas/{objectType}/associations`): records of the two types can then be associated both ways.
 */
export async function createSchemaAssociation(
  p: Platform,
  accountId: number,
  objectType: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const input = parseBody(associationInput, body, "AssociationDefinitionEgg");
  const s = await getSchema(p, accountId, objectType);
  const self = customObjectType(s);
  const from = await p.crm.types.resolve(accountId, input.fromObjectTypeId);
  if (from.id !== self.id)
    throw invalid(`fromObjectTypeId ${input.fromObjectTypeId} is not ${objectType}: a schema defines associations from its own type.`);
  const to = await p.crm.types.resolve(accountId, input.toObjectTypeId);
  const list = schemaAssociations(s);
  const name = (input.name ?? `${s.name}_to_${to.singular}`).toLowerCase();
  if (list.some((a) => a.toObjectTypeId === to.id && a.name === name))
    throw new DomainError("conflict", `An association named ${name} from ${self.name} to ${to.name} already exists.`);
  if (list.length >= MAX_SCHEMA_ASSOCIATIONS)
    throw invalid(`${self.name} already has ${MAX_SCHEMA_ASSOCIATIONS} association definitions, the most a schema may have.`);
  const now = p.clock.now();
  const added: SchemaAssociation = { toObjectTypeId: to.id, name, createdAt: now };
  const definition: SchemaDefinition = { ...s.definition, associations: [...list, added] };
  // Only if no one changed the schema since it was read: a definition's place fixes its type ids.
  const done = await p.store.db
    .updateTable("crm_object_schemas")
    .set({ definition: JSON.stringify(definition), updated_at: now })
    .where("id", "=", s.id)
    .where("account_id", "=", accountId)
    .where("definition", "=", JSON.stringify(s.definition))
    .executeTakeFirst();
  p.crm.types.invalidate(accountId);
  if (Number(done.numUpdatedRows) !== 1)
    throw new DomainError("conflict", `${self.name} changed while the association was added; try again.`);
  return associationDefinitionView({ ...s, definition }, list.length, added);
}
