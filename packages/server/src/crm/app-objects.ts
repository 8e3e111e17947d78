import type { AppObjectAssociationConfig, AppObjectConfig } from "@sprocket/project-format";
import type { Platform } from "../platform";
import type { DeployedFeature } from "../apps/provision";
import { DomainError } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { customObjectType, type CustomObjectSchema, type SchemaDefinition } from "./custom-object-types";
import { CUSTOM_GROUP } from "./default-properties";
import { findObjectType, type ObjectType } from "./object-types";
import { allProperties, propertyCreateInput } from "./property-definitions";
import { nextUserTypeId } from "./association-types";
import type { Db } from "./object-writes";

/** What a deploy made of an app's app objects: the types by component uid, for the app's association types and events. */
export type AppObjectTypes = Map<string, ObjectType>;

/** HubSpot's prefix of an app object's name and of each of its properties: a<appId>_. */
export const appPrefix = (appId: number) => `a${appId}_`;

const FIELD_TYPE_OF: Record<string, string> = {
  string: "text",
  number: "number",
  enumeration: "select",
  date: "date",
  datetime: "date",
  bool: "booleancheckbox",
};

const componentError = (uid: string, message: string) => new DomainError("invalid", `app-object '${uid}': ${message}`);

/**
 * Inside the deploy's transaction: creates each `app-object` component's custom object type in an account (the app's
 * own, and each account the app is installed into), or brings it up to date on a redeploy (labels, display properties, new and changed properties). Nothing is ever
 * archived: records and properties a project no longer lists stay, as on HubSpot, where both are permanent.
 */
export async function provisionAppObjects(
  trx: Db,
  p: Platform,
  input: { accountId: number; appId: number; features: readonly DeployedFeature[] },
): Promise<AppObjectTypes> {
  const { accountId, appId } = input;
  const types: AppObjectTypes = new Map();
  const objects = input.features.filter((f) => f.type === "app-object");
  const associations = input.features.filter((f) => f.type === "app-object-association");
  for (const feature of objects) {
    const config = feature.config as AppObjectConfig;
    const schema = await upsertSchema(trx, p, accountId, appId, feature.uid, config, associatedObjects(objects, associations, feature));
    types.set(feature.uid, customObjectType(schema));
  }
  for (const feature of associations) await provisionAssociation(trx, accountId, appId, feature, types, objects);
  return types;
}

/** The standard objects an app object's association components pair it with, as HubSpot's schema lists them. */
function associatedObjects(
  objects: readonly DeployedFeature[],
  associations: readonly DeployedFeature[],
  object: DeployedFeature,
): string[] {
  const names = new Set([object.uid, (object.config as AppObjectConfig).name].map((n) => n.toLowerCase()));
  const found: string[] = [];
  for (const a of associations) {
    const { firstObjectType, secondObjectType } = a.config as AppObjectAssociationConfig;
    for (const [self, other] of [
      [firstObjectType, secondObjectType],
      [secondObjectType, firstObjectType],
    ] as const) {
      const standard = findObjectType(other);
      if (names.has(self.toLowerCase()) && standard && !objects.some((o) => o.uid === other)) found.push(standard.upper);
    }
  }
  return [...new Set(found)];
}

async function upsertSchema(
  trx: Db,
  p: Platform,
  accountId: number,
  appId: number,
  uid: string,
  config: AppObjectConfig,
  associated: string[],
): Promise<CustomObjectSchema> {
  const prefix = appPrefix(appId);
  const name = `${prefix}${config.name.toLowerCase()}`;
  const own = new Set(config.properties.map((x) => x.name));
  for (const [field, names] of [
    ["primaryDisplayLabelPropertyName", [config.primaryDisplayLabelPropertyName]],
    ["secondaryDisplayLabelPropertyNames", config.secondaryDisplayLabelPropertyNames ?? []],
  ] as const) {
    const missing = names.find((n) => !own.has(n));
    if (missing !== undefined) throw componentError(uid, `${field} names "${missing}", which is not one of its properties.`);
  }
  const label = (form: string) => (config.appPrefix ? `${config.appPrefix} ${form}` : form);
  const primary = `${prefix}${config.primaryDisplayLabelPropertyName}`;
  const secondary = (config.secondaryDisplayLabelPropertyNames ?? []).map((n) => `${prefix}${n}`);
  const definition: SchemaDefinition = {
    labels: { singular: label(config.singularForm), plural: label(config.pluralForm) },
    ...(config.description !== undefined ? { description: config.description } : {}),
    primaryDisplayProperty: primary,
    secondaryDisplayProperties: secondary,
    // HubSpot's app object config has no required list: a record is named by its primary display property.
    requiredProperties: [primary],
    searchableProperties: [primary, ...secondary],
    associatedObjects: associated,
  };
  const now = p.clock.now();
  const existing = await trx
    .selectFrom("crm_object_schemas")
    .select(["id", "name", "definition", "created_at"])
    .where("account_id", "=", accountId)
    .where("app_id", "=", appId)
    .where("component_uid", "=", uid)
    .executeTakeFirst();
  let schema: CustomObjectSchema;
  if (existing) {
    if (existing.name !== name)
      throw componentError(
        uid,
        `its name is ${existing.name.slice(prefix.length).toUpperCase()} since its first deploy and cannot change.`,
      );
    // Definitions added through the schemas API are the account's, not the project's: a redeploy keeps them (in place,
    // since a definition's place fixes its type ids).
    const added = (JSON.parse(existing.definition) as SchemaDefinition).associations;
    if (added) definition.associations = added;
    await trx
      .updateTable("crm_object_schemas")
      .set({ definition: JSON.stringify(definition), archived: 0, updated_at: now })
      .where("id", "=", existing.id)
      .execute();
    schema = {
      id: Number(existing.id),
      accountId,
      name,
      appId,
      componentUid: uid,
      definition,
      createdAt: Number(existing.created_at),
      updatedAt: now,
    };
  } else {
    const row = await trx
      .insertInto("crm_object_schemas")
      .values({
        account_id: accountId,
        name,
        app_id: appId,
        component_uid: uid,
        definition: JSON.stringify(definition),
        archived: 0,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    schema = { id: Number(row.id), accountId, name, appId, componentUid: uid, definition, createdAt: now, updatedAt: now };
  }
  const t = customObjectType(schema);
  const live = await allProperties(trx, accountId, t.id);
  for (const prop of config.properties) {
    const propertyName = `${prefix}${prop.name}`;
    const fieldType = prop.fieldType ?? FIELD_TYPE_OF[prop.type];
    const current = live.get(propertyName);
    if (current && !current.archived) {
      const changes = { label: prop.label, ...(prop.options ? { options: prop.options } : {}) };
      await p.crm.properties.update(trx, accountId, t, propertyName, changes);
    } else {
      const body = { ...prop, name: propertyName, fieldType, groupName: CUSTOM_GROUP };
      await p.crm.properties.create(trx, accountId, t, parseBody(propertyCreateInput, body, `app-object '${uid}' property ${prop.name}`));
    }
  }
  return schema;
}

/**
 * An `app-object-association`: the plain INTEGRATOR_DEFINED association type between its two object types, both
 * directions, made once. Each side names an app object of this app (its uid or its name) or a standard object
 * (CONTACT, COMPANY, DEAL, TICKET, ...).
 */
async function provisionAssociation(
  trx: Db,
  accountId: number,
  appId: number,
  feature: DeployedFeature,
  types: AppObjectTypes,
  objects: readonly DeployedFeature[],
): Promise<void> {
  const config = feature.config as AppObjectAssociationConfig;
  const side = (name: string, field: string): ObjectType => {
    const own = objects.find((o) => o.uid === name || (o.config as AppObjectConfig).name.toLowerCase() === name.toLowerCase());
    const t = own ? types.get(own.uid) : findObjectType(name);
    if (!t)
      throw new DomainError(
        "invalid",
        `app-object-association '${feature.uid}': ${field} "${name}" is neither an app object of this app (its uid or name) nor a standard object type (CONTACT, COMPANY, DEAL, TICKET).`,
      );
    return t;
  };
  const from = side(config.firstObjectType, "firstObjectType");
  const to = side(config.secondObjectType, "secondObjectType");
  const name = `${from.singular}_to_${to.singular}`.toLowerCase();
  const made = await trx
    .selectFrom("crm_association_labels")
    .select("type_id")
    .where("account_id", "=", accountId)
    .where("app_id", "=", appId)
    .where("from_type", "=", from.id)
    .where("to_type", "=", to.id)
    .where("unlabeled", "=", 1)
    .executeTakeFirst();
  if (made) return;
  const forwardId = await nextUserTypeId(trx, accountId);
  const row = (fromType: string, toType: string, typeId: number) => ({
    account_id: accountId,
    from_type: fromType,
    to_type: toType,
    type_id: typeId,
    label: "",
    name,
    category: "INTEGRATOR_DEFINED",
    app_id: appId,
    unlabeled: 1,
  });
  await trx
    .insertInto("crm_association_labels")
    .values([row(from.id, to.id, forwardId), row(to.id, from.id, forwardId + 1)])
    .execute();
}

/** The kinds of app component `provisionAppObjects` reads. */
const OBJECT_KINDS = ["app-object", "app-object-association"] as const;

/**
 * Inside an install's transaction: the app objects of the app's live build, made in the account it is being installed
 * into (HubSpot creates an app's objects in every installing account). Returns their types.
 */
export async function provisionInstalledAppObjects(trx: Db, p: Platform, appId: number, accountId: number): Promise<AppObjectTypes> {
  const rows = await trx
    .selectFrom("app_components")
    .select("config")
    .where("app_id", "=", appId)
    .where("kind", "in", OBJECT_KINDS)
    .execute();
  const features = rows.map((r) => JSON.parse(r.config) as DeployedFeature);
  return provisionAppObjects(trx, p, { accountId, appId, features });
}

/** The accounts the app is installed into besides its own, where its app objects must exist too. */
export async function installAccounts(trx: Db, appId: number, ownAccountId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom("app_installs")
    .select("account_id")
    .where("app_id", "=", appId)
    .where("uninstalled_at", "is", null)
    .where("account_id", "<>", ownAccountId)
    .execute();
  return rows.map((r) => Number(r.account_id));
}
