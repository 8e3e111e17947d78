import { DomainError } from "../errors/domain-error";

/** A HubSpot standard object: how it is named on the wire and which scopes open it. */
export interface ObjectType {
  id: string;
  /** Plural path name: "contacts". */
  name: string;
  singular: string;
  /** As in HubSpot's messages: "CONTACT". */
  upper: string;
  readScopes: readonly string[];
  writeScopes: readonly string[];
  /** Properties API: reading also accepts the object's read scopes; writing needs these. */
  schemaReadScopes: readonly string[];
  schemaWriteScopes: readonly string[];
  /** Returned when a request names no properties (plus createdate, the last-modified date and hs_object_id). */
  defaultProperties: readonly string[];
  /** What a search `query` looks in. */
  searchableProperties: readonly string[];
  lastModifiedProperty: "lastmodifieddate" | "hs_lastmodifieddate";
  /** Only these have merge. */
  mergeable: boolean;
}

const scopes = (name: string) => ({
  readScopes: [`crm.objects.${name}.read`],
  writeScopes: [`crm.objects.${name}.write`],
  schemaReadScopes: [`crm.schemas.${name}.read`],
  schemaWriteScopes: [`crm.schemas.${name}.write`],
});

/**
 * An activity (engagement) object. HubSpot documents the contacts scopes for all of them; the newer per-activity
 * scopes open them too.
 */
function engagement(id: string, name: string, singular: string, searchableProperties: string[]): ObjectType {
  const read = ["crm.objects.contacts.read", `crm.objects.${name}.read`];
  const write = ["crm.objects.contacts.write", `crm.objects.${name}.write`];
  return {
    id,
    name,
    singular,
    upper: singular.toUpperCase(),
    readScopes: read,
    writeScopes: write,
    schemaReadScopes: [],
    schemaWriteScopes: write,
    // HubSpot returns only its system dates and id for an activity read without `properties`.
    defaultProperties: ["hs_timestamp"],
    searchableProperties,
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: false,
  };
}

export const OBJECT_TYPES: readonly ObjectType[] = [
  {
    id: "0-1",
    name: "contacts",
    singular: "contact",
    upper: "CONTACT",
    ...scopes("contacts"),
    defaultProperties: ["email", "firstname", "lastname"],
    searchableProperties: ["firstname", "lastname", "email", "phone", "mobilephone", "company", "hs_additional_emails", "fax"],
    lastModifiedProperty: "lastmodifieddate",
    mergeable: true,
  },
  {
    id: "0-2",
    name: "companies",
    singular: "company",
    upper: "COMPANY",
    ...scopes("companies"),
    defaultProperties: ["domain", "name"],
    searchableProperties: ["name", "domain", "website", "phone"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: true,
  },
  {
    id: "0-3",
    name: "deals",
    singular: "deal",
    upper: "DEAL",
    ...scopes("deals"),
    defaultProperties: ["dealname", "amount", "closedate", "pipeline", "dealstage"],
    searchableProperties: ["dealname", "pipeline", "dealstage", "description", "dealtype"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: true,
  },
  {
    id: "0-5",
    name: "tickets",
    singular: "ticket",
    upper: "TICKET",
    // HubSpot still guards tickets with the legacy scope name.
    readScopes: ["tickets"],
    writeScopes: ["tickets"],
    schemaReadScopes: ["crm.schemas.tickets.read"],
    schemaWriteScopes: ["crm.schemas.tickets.write"],
    defaultProperties: ["content", "subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority"],
    searchableProperties: ["subject", "content", "hs_pipeline_stage", "hs_ticket_category"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: true,
  },
  {
    id: "0-7",
    name: "products",
    singular: "product",
    upper: "PRODUCT",
    readScopes: ["crm.objects.products.read", "e-commerce"],
    writeScopes: ["crm.objects.products.write", "e-commerce"],
    schemaReadScopes: [],
    schemaWriteScopes: ["crm.objects.products.write", "e-commerce"],
    defaultProperties: ["name", "description", "price"],
    searchableProperties: ["name", "description", "hs_sku"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: false,
  },
  {
    id: "0-8",
    name: "line_items",
    singular: "line_item",
    upper: "LINE_ITEM",
    readScopes: ["crm.objects.line_items.read", "e-commerce"],
    writeScopes: ["crm.objects.line_items.write", "e-commerce"],
    schemaReadScopes: [],
    schemaWriteScopes: ["crm.objects.line_items.write", "e-commerce"],
    defaultProperties: ["quantity", "amount", "price"],
    searchableProperties: ["name", "description"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: false,
  },
  {
    id: "0-14",
    name: "quotes",
    singular: "quote",
    upper: "QUOTE",
    ...scopes("quotes"),
    defaultProperties: ["hs_title", "hs_expiration_date", "hs_status"],
    searchableProperties: ["hs_title"],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: false,
  },
  engagement("0-46", "notes", "note", ["hs_note_body"]),
  engagement("0-27", "tasks", "task", ["hs_task_subject", "hs_task_body"]),
  engagement("0-48", "calls", "call", ["hs_call_title", "hs_call_body"]),
  engagement("0-49", "emails", "email", ["hs_email_subject", "hs_email_text"]),
  engagement("0-47", "meetings", "meeting", ["hs_meeting_title", "hs_meeting_body"]),
];

export type Access = "read" | "write" | "schemaRead" | "schemaWrite";

/** The scopes (any one) an access to a type needs; reading its properties also takes its read and schema-write scopes. */
export function scopesFor(t: ObjectType, access: Access): readonly string[] {
  if (access === "read") return t.readScopes;
  if (access === "write") return t.writeScopes;
  if (access === "schemaWrite") return t.schemaWriteScopes;
  return [...t.readScopes, ...t.schemaReadScopes, ...t.schemaWriteScopes.filter((s) => !t.readScopes.includes(s))];
}

/** Every spelling a path may use for a type: plural, singular, type id. */
export function aliasesOf(t: ObjectType): string[] {
  return [t.name, t.singular, t.id];
}

const byAlias = new Map<string, ObjectType>(OBJECT_TYPES.flatMap((t) => aliasesOf(t).map((a) => [a, t] as const)));

export function findObjectType(nameOrId: string): ObjectType | undefined {
  return byAlias.get(nameOrId.toLowerCase());
}

export function objectTypeById(id: string): ObjectType {
  const t = byAlias.get(id);
  if (!t) throw new Error(`Unknown object type id ${id}`);
  return t;
}

/** HubSpot's answer to an object type it does not know. */
export function unknownObjectType(name: string): DomainError {
  return new DomainError("invalid", `Unable to infer object type from: ${name}`);
}

export function resolveObjectType(nameOrId: string): ObjectType {
  const t = findObjectType(nameOrId);
  if (!t) throw unknownObjectType(nameOrId);
  return t;
}
