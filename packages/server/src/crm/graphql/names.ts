import type { AssociationTypeDef } from "../association-types";
import type { ObjectType } from "../object-types";

/** GraphQL's name rule; a property whose name breaks it (none of HubSpot's do) gets no field. */
export const isGraphqlName = (name: string) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name);

/**
 * HubSpot's association field: `{target}_collection__{suffix}`, the suffix being `primary` for the primary label, a
 * custom label lower-cased with underscores between its words, and the type's own name (`contact_to_deal`) otherwise.
 */
export function associationFieldName(target: ObjectType, def: AssociationTypeDef): string {
  const suffix =
    def.label === null
      ? def.name
      : def.label
          .toLowerCase()
          .split(/[^a-z0-9]+/)
          .filter(Boolean)
          .join("_") || def.name;
  return `${target.singular}_collection__${suffix}`;
}
