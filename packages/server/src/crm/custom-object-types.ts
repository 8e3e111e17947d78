import type { ObjectType } from "./object-types";

/** What a schemas API create stores beside the name (crm_object_schemas.definition). */
export interface SchemaDefinition {
  labels: { singular: string; plural: string };
  description?: string;
  primaryDisplayProperty: string;
  secondaryDisplayProperties: string[];
  requiredProperties: string[];
  searchableProperties: string[];
  associatedObjects: string[];
  /**
   * The association definitions this schema owns, in creation order (a definition's place fixes its type ids, see
   * association-types.ts). Absent on schemas stored before associations: their associatedObjects stand for them.
   */
  associations?: SchemaAssociation[];
}

/** One association definition of a custom object: from this type to `toObjectTypeId` (a standard or custom type id). */
export interface SchemaAssociation {
  toObjectTypeId: string;
  name: string;
  createdAt: number;
}

export interface CustomObjectSchema {
  /** The `<n>` of "2-<n>". */
  id: number;
  accountId: number;
  /** The schemas API's name; an app object's is its fully qualified name, a<appId>_<name>. */
  name: string;
  /** The app that owns an app object, and its `app-object` component's uid (both null for a schemas API schema). */
  appId: number | null;
  componentUid: string | null;
  definition: SchemaDefinition;
  createdAt: number;
  updatedAt: number;
}

export const CUSTOM_READ_SCOPES = ["crm.objects.custom.read"];
export const CUSTOM_WRITE_SCOPES = ["crm.objects.custom.write"];

/** HubSpot's name for a custom object across portals: p<portalId>_<name>; an app object's is a<appId>_<name>. */
export const fullyQualifiedName = (s: CustomObjectSchema) => (s.appId === null ? `p${s.accountId}_${s.name}` : s.name);

/**
 * A custom object type as the CRM routes and services see any type; a path may name it p_<name>, 2-<n> or its fqn
 * (an app object: 2-<n> or a<appId>_<name>).
 */
export function customObjectType(s: CustomObjectSchema): ObjectType & { aliases: string[] } {
  const id = `2-${s.id}`;
  const name = s.appId === null ? `p_${s.name}` : s.name;
  return {
    id,
    name,
    singular: s.name,
    upper: s.name.toUpperCase(),
    readScopes: CUSTOM_READ_SCOPES,
    writeScopes: CUSTOM_WRITE_SCOPES,
    schemaReadScopes: ["crm.schemas.custom.read"],
    schemaWriteScopes: ["crm.schemas.custom.write"],
    defaultProperties: [s.definition.primaryDisplayProperty, ...s.definition.secondaryDisplayProperties],
    searchableProperties:
      s.definition.searchableProperties.length > 0 ? s.definition.searchableProperties : [s.definition.primaryDisplayProperty],
    lastModifiedProperty: "hs_lastmodifieddate",
    mergeable: false,
    aliases: [...new Set([name, id, fullyQualifiedName(s)])].map((a) => a.toLowerCase()),
  };
}
