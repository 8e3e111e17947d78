// The CRM objects the console lists: HubSpot's standard ones, with their ids and default columns, and the account's
// custom objects and app objects, read from the schemas API.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { useSession } from "../session";

export interface CrmObjectType {
  objectTypeId: string;
  /** The path segment of /crm/v3/objects/{name}: the plural name of a standard type, the type id of a custom one. */
  name: string;
  singular: string;
  plural: string;
  /** Columns shown until the user picks others (HubSpot's default properties). */
  defaultColumns: string[];
  /** The properties the create form asks for: the ones people fill in first (and HubSpot requires, for pipelines). */
  createFields: string[];
  /** How a record is named in titles and association lists. */
  displayName(properties: Record<string, string | null | undefined>): string;
}

const named =
  (...names: string[]) =>
  (properties: Record<string, string | null | undefined>) =>
    names
      .map((name) => properties[name])
      .filter(Boolean)
      .join(" ");

export const crmObjectTypes: CrmObjectType[] = [
  {
    objectTypeId: "0-1",
    name: "contacts",
    singular: "Contact",
    plural: "Contacts",
    defaultColumns: ["firstname", "lastname", "email", "createdate"],
    createFields: ["email", "firstname", "lastname", "phone", "company"],
    displayName: (p) => named("firstname", "lastname")(p) || p.email || "",
  },
  {
    objectTypeId: "0-2",
    name: "companies",
    singular: "Company",
    plural: "Companies",
    defaultColumns: ["name", "domain", "createdate"],
    createFields: ["name", "domain", "city", "industry"],
    displayName: named("name"),
  },
  {
    objectTypeId: "0-3",
    name: "deals",
    singular: "Deal",
    plural: "Deals",
    defaultColumns: ["dealname", "amount", "dealstage", "closedate"],
    createFields: ["dealname", "pipeline", "dealstage", "amount", "closedate"],
    displayName: named("dealname"),
  },
  {
    objectTypeId: "0-5",
    name: "tickets",
    singular: "Ticket",
    plural: "Tickets",
    defaultColumns: ["subject", "hs_pipeline_stage", "hs_ticket_priority", "createdate"],
    createFields: ["subject", "content", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority"],
    displayName: named("subject"),
  },
];

/** What the console reads of HubSpot's ObjectSchema. */
interface SchemaSummary {
  objectTypeId: string;
  labels: { singular: string; plural: string };
  primaryDisplayProperty: string;
  secondaryDisplayProperties: string[];
}

function customObjectType(schema: SchemaSummary): CrmObjectType {
  const shown = [schema.primaryDisplayProperty, ...schema.secondaryDisplayProperties];
  return {
    objectTypeId: schema.objectTypeId,
    name: schema.objectTypeId,
    singular: schema.labels.singular,
    plural: schema.labels.plural,
    defaultColumns: [...shown, "createdate"],
    createFields: shown,
    displayName: named(schema.primaryDisplayProperty),
  };
}

/** The standard types, then the account's custom and app objects (oldest first) once the schemas API has answered. */
export function useCrmObjectTypes(): { types: CrmObjectType[]; pending: boolean } {
  const { accountId } = useSession();
  const schemas = useQuery({
    queryKey: ["crm-schemas", accountId],
    queryFn: () => api<{ results: SchemaSummary[] }>("GET", "/crm/v3/schemas").then((r) => r.results.map(customObjectType)),
    staleTime: 60_000,
  });
  return { types: [...crmObjectTypes, ...(schemas.data ?? [])], pending: schemas.isPending };
}

/** The type a URL names (id, or a standard type's plural name), and whether the custom types are still loading. */
export function useObjectType(objectTypeId: string): { type: CrmObjectType | undefined; pending: boolean } {
  const { types, pending } = useCrmObjectTypes();
  return { type: types.find((type) => type.objectTypeId === objectTypeId || type.name === objectTypeId), pending };
}

/** A standard type by id or name; a custom type's id is its own path segment, so cards on custom objects read it as is. */
export function objectTypeById(objectTypeId: string): CrmObjectType | undefined {
  return crmObjectTypes.find((type) => type.objectTypeId === objectTypeId || type.name === objectTypeId);
}
