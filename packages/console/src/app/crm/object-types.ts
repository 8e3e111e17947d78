// The standard CRM objects the console lists, with HubSpot's ids and default columns.

export interface CrmObjectType {
  objectTypeId: string;
  /** The path segment of /crm/v3/objects/{name}. */
  name: "contacts" | "companies" | "deals" | "tickets";
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

export function objectTypeById(objectTypeId: string): CrmObjectType | undefined {
  return crmObjectTypes.find((type) => type.objectTypeId === objectTypeId || type.name === objectTypeId);
}
