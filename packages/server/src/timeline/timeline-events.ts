import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Platform } from "../platform";
import type { AppPrincipal } from "../apps/app-tokens";
import type { Db } from "../crm/object-writes";
import type { ObjectType } from "../crm/object-types";
import { conflict, invalid, notFound } from "../errors/domain-error";
import { idsByUniqueValue, objectExists, parseObjectId } from "../crm/object-store";
import { appTemplate, templateOf, templateType, type EventTemplate, type TemplateToken } from "./event-templates";
import { renderTemplate } from "./render-template";

const tokenValue = z.union([z.string(), z.number(), z.boolean()]);

/** HubSpot's TimelineEvent (the SDK's model): one event of one template on one record. */
export const timelineEventInput = z.object({
  id: z.string().min(1).max(200).optional(),
  eventTemplateId: z.union([z.string().min(1), z.number().int()]).transform(String),
  objectId: z
    .union([z.string().min(1), z.number().int()])
    .transform(String)
    .optional(),
  email: z.string().min(1).optional(),
  utk: z.string().optional(),
  domain: z.string().optional(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  tokens: z.record(z.string(), tokenValue).default({}),
  extraData: z.unknown().optional(),
  timelineIFrame: z.looseObject({}).optional(),
});
export type TimelineEventInput = z.infer<typeof timelineEventInput>;

export interface StoredEvent {
  template: EventTemplate;
  objectType: ObjectType;
  eventId: string;
  objectId: number;
  email?: string | undefined;
  timestamp: number;
  tokens: Record<string, string>;
  extraData: unknown;
  createdAt: number;
}

/** A token's value as HubSpot keeps it: a string, checked against the token's type (dates as epoch milliseconds). */
function tokenString(token: TemplateToken, raw: string | number | boolean): string {
  const bad = (why: string) =>
    invalid(`Token ${token.name} of type ${token.type} ${why} (got ${JSON.stringify(raw)}).`, [
      { message: `tokens.${token.name}: ${why}`, in: `tokens.${token.name}`, code: "INVALID_TOKEN_VALUE" },
    ]);
  if (token.type === "number") {
    const n = typeof raw === "number" ? raw : Number(raw);
    if (typeof raw === "boolean" || raw === "" || !Number.isFinite(n)) throw bad("must be a number");
    return String(n);
  }
  if (token.type === "date") {
    const ms = typeof raw === "number" ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : Date.parse(String(raw));
    if (typeof raw === "boolean" || !Number.isFinite(ms)) throw bad("must be epoch milliseconds or an ISO 8601 date");
    return String(ms);
  }
  if (token.type === "enumeration") {
    const value = String(raw);
    const allowed = (token.options ?? []).map((o) => o.value);
    if (!allowed.includes(value)) throw bad(`must be one of ${allowed.join(", ")}`);
    return value;
  }
  return String(raw);
}

function eventTime(raw: string | number | undefined, now: number): number {
  if (raw === undefined) return now;
  const ms = typeof raw === "number" ? raw : Date.parse(raw);
  if (!Number.isFinite(ms)) throw invalid(`timestamp must be an ISO 8601 date-time or epoch milliseconds (got ${JSON.stringify(raw)}).`);
  return ms;
}

/** The record an event attaches to: `objectId`, or for contact templates the contact with that `email`. */
async function recordOf(db: Db, accountId: number, t: ObjectType, input: TimelineEventInput): Promise<number> {
  if (input.objectId !== undefined) {
    const id = parseObjectId(input.objectId);
    if (id === undefined || !(await objectExists(db, accountId, t, id)))
      throw notFound(`No ${t.singular} with id ${input.objectId} in this account for the event to attach to.`);
    return id;
  }
  if (input.email !== undefined && t.id === "0-1") {
    const id = (await idsByUniqueValue(db, accountId, t, "email", [input.email])).get(input.email.toLowerCase());
    if (id === undefined) throw notFound(`No contact with email ${input.email} in this account for the event to attach to.`);
    return id;
  }
  throw invalid(
    t.id === "0-1"
      ? "Give objectId (the contact's id) or email for the event to attach to."
      : `Give objectId (the ${t.singular}'s id) for the event to attach to.`,
  );
}

/**
 * Checks one event against its template (the calling app's own), finds its record and stores it. Events are
 * immutable: an `id` sent twice for the same template is a conflict.
 */
export async function createEvent(p: Platform, app: AppPrincipal, input: TimelineEventInput): Promise<StoredEvent> {
  const db = p.store.db;
  const template = await appTemplate(db, app.appId, input.eventTemplateId);
  const objectType = await templateType(p, app.accountId, template);
  const defined = new Map(template.tokens.map((k) => [k.name, k]));
  const tokens: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input.tokens)) {
    const token = defined.get(name);
    if (!token)
      throw invalid(`Token ${name} is not defined on event template ${template.id} (${template.name}).`, [
        {
          message: `tokens.${name}: not one of ${[...defined.keys()].join(", ") || "no tokens"}`,
          in: `tokens.${name}`,
          code: "UNKNOWN_TOKEN",
        },
      ]);
    tokens[name] = tokenString(token, raw);
  }
  const now = p.clock.now();
  const timestamp = eventTime(input.timestamp, now);
  const eventId = input.id ?? randomUUID();
  const objectId = await recordOf(db, app.accountId, objectType, input);
  await db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("timeline_events")
      .select("event_id")
      .where("account_id", "=", app.accountId)
      .where("template_id", "=", template.id)
      .where("event_id", "=", eventId)
      .executeTakeFirst();
    if (taken) throw conflict(`An event with id ${eventId} already exists for event template ${template.id}; events cannot be changed.`);
    await trx
      .insertInto("timeline_events")
      .values({
        account_id: app.accountId,
        template_id: template.id,
        event_id: eventId,
        object_type_id: objectType.id,
        object_id: objectId,
        timestamp,
        tokens: JSON.stringify(tokens),
        extra_data: input.extraData === undefined ? null : JSON.stringify(input.extraData),
        created_at: now,
      })
      .execute();
  });
  return { template, objectType, eventId, objectId, email: input.email, timestamp, tokens, extraData: input.extraData, createdAt: now };
}

/** One stored event of the calling app's template in the caller's account. */
export async function getEvent(p: Platform, app: AppPrincipal, templateId: string, eventId: string): Promise<StoredEvent> {
  const db = p.store.db;
  const template = await appTemplate(db, app.appId, templateId);
  const row = await db
    .selectFrom("timeline_events")
    .selectAll()
    .where("account_id", "=", app.accountId)
    .where("template_id", "=", template.id)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  if (!row) throw notFound(`No event ${eventId} of event template ${template.id} in this account.`);
  return {
    template,
    objectType: await p.crm.types.resolve(app.accountId, row.object_type_id),
    eventId,
    objectId: Number(row.object_id),
    timestamp: Number(row.timestamp),
    tokens: JSON.parse(row.tokens) as Record<string, string>,
    extraData: row.extra_data === null ? undefined : JSON.parse(row.extra_data),
    createdAt: Number(row.created_at),
  };
}

/** HubSpot's TimelineEventResponse. */
export function eventView(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.eventId,
    eventTemplateId: String(e.template.id),
    objectId: String(e.objectId),
    objectType: e.objectType.name,
    ...(e.email !== undefined ? { email: e.email } : {}),
    tokens: e.tokens,
    ...(e.extraData !== undefined ? { extraData: e.extraData } : {}),
    timestamp: new Date(e.timestamp).toISOString(),
    createdAt: new Date(e.createdAt).toISOString(),
  };
}

/** What a template shows for an event: its header and detail with the event's tokens and extraData in them. */
export function renderEvent(template: EventTemplate, tokens: Record<string, string>, extraData: unknown) {
  const data = { ...tokens, extraData };
  return {
    header: renderTemplate(template.headerTemplate ?? template.name, data),
    detail: template.detailTemplate === null ? null : renderTemplate(template.detailTemplate, data),
  };
}

/** The newest events on one record, from every app, rendered for the console's timeline (at most `limit`). */
export async function recordTimeline(db: Db, accountId: number, objectTypeId: string, objectId: number, limit: number) {
  const rows = await db
    .selectFrom("timeline_events as e")
    .innerJoin("timeline_event_templates as t", "t.id", "e.template_id")
    .innerJoin("private_apps as a", "a.id", "t.app_id")
    .select([
      "e.event_id",
      "e.timestamp",
      "e.tokens",
      "e.extra_data",
      "t.id",
      "t.app_id",
      "t.component_uid",
      "t.name",
      "t.object_type",
      "t.header_template",
      "t.detail_template",
      "t.tokens as template_tokens",
      "t.created_at",
      "t.updated_at",
      "a.name as app_name",
    ])
    .where("e.account_id", "=", accountId)
    .where("e.object_type_id", "=", objectTypeId)
    .where("e.object_id", "=", objectId)
    .orderBy("e.timestamp", "desc")
    .orderBy("e.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const template = templateOf({ ...r, tokens: r.template_tokens });
    const rendered = renderEvent(
      template,
      JSON.parse(r.tokens) as Record<string, string>,
      r.extra_data === null ? undefined : JSON.parse(r.extra_data),
    );
    return {
      eventId: r.event_id,
      eventTemplateId: String(template.id),
      templateName: template.name,
      appId: template.appId,
      appName: r.app_name,
      timestamp: new Date(Number(r.timestamp)).toISOString(),
      ...rendered,
    };
  });
}
