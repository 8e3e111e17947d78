import type { AppEventConfig } from "@sprocket/project-format";
import type { Platform } from "../platform";
import type { DeployedFeature } from "../apps/provision";
import type { AppObjectTypes } from "../crm/app-objects";
import type { Db } from "../crm/object-writes";
import { DomainError, notFound } from "../errors/domain-error";
import { findObjectType, type ObjectType } from "../crm/object-types";
import { customObjectType } from "../crm/custom-object-types";

/** A token of a template (HubSpot's TimelineEventTemplateToken without its dates), from an `app-event`'s properties. */
export interface TemplateToken {
  name: string;
  label: string;
  type: string;
  options?: { value: string; label: string }[];
}

export interface EventTemplate {
  id: number;
  appId: number;
  uid: string;
  name: string;
  /** What its events attach to: a standard type's id ("0-1"), or `app-object:<uid>` for one of the app's app objects. */
  objectType: string;
  headerTemplate: string | null;
  detailTemplate: string | null;
  tokens: TemplateToken[];
  createdAt: number;
  updatedAt: number;
}

const componentError = (uid: string, message: string) => new DomainError("invalid", `app-event '${uid}': ${message}`);

/**
 * How a template names one of its app's app objects: by component uid, since the object's type id differs in each
 * account the app is installed into.
 */
const APP_OBJECT_REF = "app-object:";

/**
 * The object type an `app-event` names: CONTACT, COMPANY, DEAL, TICKET (any standard name), APP_OBJECT when the app
 * has exactly one app object, or one of the app's app objects by uid, name or fully qualified name.
 */
function templateObjectType(uid: string, objectType: string, appObjects: AppObjectTypes): string {
  const standard = findObjectType(objectType);
  if (standard) return standard.id;
  const own = [...appObjects.keys()];
  if (objectType.toUpperCase() === "APP_OBJECT" && own.length === 1) return `${APP_OBJECT_REF}${own[0]!}`;
  const wanted = objectType.toLowerCase();
  for (const [objectUid, t] of appObjects) {
    const name = t.name.toLowerCase();
    if (objectUid.toLowerCase() === wanted || name === wanted || name.endsWith(`_${wanted}`)) return `${APP_OBJECT_REF}${objectUid}`;
  }
  const hint =
    objectType.toUpperCase() === "APP_OBJECT"
      ? `APP_OBJECT needs exactly one app-object component in the app (it has ${appObjects.size}); name the app object's uid instead.`
      : "Use CONTACT, COMPANY, DEAL, TICKET, or the uid of one of the app's app-object components.";
  throw componentError(uid, `objectType "${objectType}" is not an object type events can attach to. ${hint}`);
}

/**
 * Inside the deploy's transaction: an event template per `app-event` component, created on the first deploy and
 * updated after (header, detail, tokens). Its name and object type are fixed once made, as on HubSpot; templates a
 * project no longer lists stay, so the events sent with them keep rendering.
 */
export async function provisionEventTemplates(
  trx: Db,
  p: Platform,
  input: { appId: number; features: readonly DeployedFeature[]; appObjects: AppObjectTypes },
): Promise<void> {
  const now = p.clock.now();
  for (const feature of input.features.filter((f) => f.type === "app-event")) {
    const config = feature.config as AppEventConfig;
    const objectType = templateObjectType(feature.uid, config.objectType, input.appObjects);
    const tokens: TemplateToken[] = (config.properties ?? []).map((x) => ({
      name: x.name,
      label: x.label,
      type: x.type,
      ...(x.options ? { options: x.options.map((o) => ({ value: String(o.value), label: String(o.label) })) } : {}),
    }));
    const values = {
      header_template: config.headerTemplate ?? null,
      detail_template: config.detailTemplate ?? null,
      tokens: JSON.stringify(tokens),
      archived: 0,
      updated_at: now,
    };
    const existing = await trx
      .selectFrom("timeline_event_templates")
      .select(["id", "name", "object_type"])
      .where("app_id", "=", input.appId)
      .where("component_uid", "=", feature.uid)
      .executeTakeFirst();
    if (!existing) {
      await trx
        .insertInto("timeline_event_templates")
        .values({ ...values, app_id: input.appId, component_uid: feature.uid, name: config.name, object_type: objectType, created_at: now })
        .execute();
      continue;
    }
    if (existing.name !== config.name)
      throw componentError(feature.uid, `its name is "${existing.name}" since its first deploy and cannot change.`);
    if (existing.object_type !== objectType)
      throw componentError(feature.uid, `its objectType cannot change once deployed (it attaches events to ${existing.object_type}).`);
    await trx.updateTable("timeline_event_templates").set(values).where("id", "=", existing.id).execute();
  }
}

type TemplateRow = {
  id: number;
  app_id: number;
  component_uid: string;
  name: string;
  object_type: string;
  header_template: string | null;
  detail_template: string | null;
  tokens: string;
  created_at: number;
  updated_at: number;
};

export const templateOf = (r: TemplateRow): EventTemplate => ({
  id: Number(r.id),
  appId: Number(r.app_id),
  uid: r.component_uid,
  name: r.name,
  objectType: r.object_type,
  headerTemplate: r.header_template,
  detailTemplate: r.detail_template,
  tokens: JSON.parse(r.tokens) as TemplateToken[],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const templates = (db: Db) =>
  db
    .selectFrom("timeline_event_templates")
    .select([
      "id",
      "app_id",
      "component_uid",
      "name",
      "object_type",
      "header_template",
      "detail_template",
      "tokens",
      "created_at",
      "updated_at",
    ])
    .where("archived", "=", 0);

/** The app's templates, oldest first. */
export async function appTemplates(db: Db, appId: number): Promise<EventTemplate[]> {
  return (await templates(db).where("app_id", "=", appId).orderBy("id").execute()).map(templateOf);
}

/** One template of the app, or HubSpot's 404 (another app's template is as unknown as a missing one). */
export async function appTemplate(db: Db, appId: number, rawId: string): Promise<EventTemplate> {
  const id = /^\d{1,15}$/.test(rawId) ? Number(rawId) : undefined;
  const row = id === undefined ? undefined : await templates(db).where("id", "=", id).where("app_id", "=", appId).executeTakeFirst();
  if (!row) throw notFound(`No event template ${rawId} for app ${appId}.`);
  return templateOf(row);
}

/** The type a template's events attach to in this account (an app object: the app's object made in the account). */
export async function templateType(p: Platform, accountId: number, t: EventTemplate): Promise<ObjectType> {
  if (!t.objectType.startsWith(APP_OBJECT_REF)) return p.crm.types.resolve(accountId, t.objectType);
  const uid = t.objectType.slice(APP_OBJECT_REF.length);
  const schema = (await p.crm.types.customSchemas(accountId)).find((s) => s.appId === t.appId && s.componentUid === uid);
  if (!schema) throw notFound(`Event template ${t.id} attaches to the app object '${uid}', which account ${accountId} does not have.`);
  return customObjectType(schema);
}

/** HubSpot's TimelineEventTemplate body. */
export function templateView(t: EventTemplate, objectType: ObjectType): Record<string, unknown> {
  const at = (ms: number) => new Date(ms).toISOString();
  return {
    id: String(t.id),
    name: t.name,
    objectType: objectType.name,
    ...(t.headerTemplate !== null ? { headerTemplate: t.headerTemplate } : {}),
    ...(t.detailTemplate !== null ? { detailTemplate: t.detailTemplate } : {}),
    tokens: t.tokens.map((k) => ({ ...k, createdAt: at(t.createdAt), updatedAt: at(t.updatedAt) })),
    createdAt: at(t.createdAt),
    updatedAt: at(t.updatedAt),
  };
}
