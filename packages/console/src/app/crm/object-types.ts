// The CRM objects the console lists: HubSpot's standard ones, with their ids and default columns, and the account's
// custom objects and app objects, from their schemas.

export interface CrmObjectType {
  objectTypeId: string;
  /**
   * The path segment of /crm/v3/objects/{name}: "contacts", or a custom object's fully qualified name (p<portal>_<name>;
   * an app object's a<appId>_<name>).
   */
  name: string;
  singular: string;
  plural: string;
  /** Columns shown until the user picks others (HubSpot's default properties). */
  defaultColumns: string[];
  /** The properties the create form asks for: the ones people fill in first (and HubSpot requires, for pipelines). */
  createFields: string[];
  /** How a record is named in titles and association lists. */
  displayName(properties: Record<string, string | null | undefined>): string;
  /**
   * A custom or app object's: the types its schema defines associations with (an app object's include its app's
   * app-object associations), the only ones its records can link to.
   */
  associatedTypeIds?: string[];
}

const named =
  (...names: string[]) =>
  (properties: Record<string, string | null | undefined>) =>
    names
      .map((name) => properties[name])
      .filter(Boolean)
      .join(" ");

export const standardObjectTypes: CrmObjectType[] = [
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

/** A custom or app object's schema as GET /crm/v3/schemas answers it (the fields the console uses). */
export interface ObjectSchema {
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string;
  labels: { singular?: string; plural?: string };
  primaryDisplayProperty?: string;
  secondaryDisplayProperties?: string[];
  requiredProperties: string[];
  associations: { fromObjectTypeId: string; toObjectTypeId: string }[];
}

export function customObjectType(schema: ObjectSchema): CrmObjectType {
  const primary = schema.primaryDisplayProperty ?? "hs_object_id";
  const secondary = schema.secondaryDisplayProperties ?? [];
  return {
    objectTypeId: schema.objectTypeId,
    name: schema.fullyQualifiedName,
    singular: schema.labels.singular ?? schema.name,
    plural: schema.labels.plural ?? schema.name,
    defaultColumns: [primary, ...secondary.filter((name) => name !== primary), "createdate"],
    createFields: [...new Set([primary, ...schema.requiredProperties, ...secondary])],
    displayName: named(primary),
    associatedTypeIds: schema.associations.map((a) => a.toObjectTypeId),
  };
}

/** Whether records of the two types can be associated: two different standard ones, or a pair a custom schema defines. */
export function canAssociate(a: CrmObjectType, b: CrmObjectType): boolean {
  if (!a.associatedTypeIds && !b.associatedTypeIds) return a.objectTypeId !== b.objectTypeId;
  return !!a.associatedTypeIds?.includes(b.objectTypeId) || !!b.associatedTypeIds?.includes(a.objectTypeId);
}

/** A type by its id or path name (custom ones also by their fully qualified name). */
export function findType(types: readonly CrmObjectType[], objectTypeId: string): CrmObjectType | undefined {
  const wanted = objectTypeId.toLowerCase();
  return types.find((type) => type.objectTypeId === wanted || type.name.toLowerCase() === wanted);
}
