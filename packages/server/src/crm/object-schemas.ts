import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { CUSTOM_GROUP } from "./default-properties";
import { customObjectType, fullyQualifiedName, type CustomObjectSchema, type SchemaDefinition } from "./custom-object-types";
import { findObjectType } from "./object-types";
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
  const associatedObjects = input.associatedObjects.map((n) => {
    const t = findObjectType(n);
    if (!t) throw invalid(`associatedObjects: unknown object type ${n}.`);
    return t.upper;
  });
  const definition: SchemaDefinition = {
    labels: input.labels,
    ...(input.description !== undefined ? { description: input.description } : {}),
    primaryDisplayProperty,
    secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
    requiredProperties: input.requiredProperties,
    searchableProperties: input.searchableProperties ?? [],
    associatedObjects,
  };
  const now = p.clock.now();
  const name = input.name.toLowerCase();
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
    associations: [],
    archived: false,
    createdAt: at(s.createdAt),
    updatedAt: at(s.updatedAt),
  };
}
