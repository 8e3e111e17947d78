import { didYouMean } from "./did-you-mean";

export interface ObjectTypeInfo {
  /** The plural lower-case name legacy card JSON uses: `contacts`. */
  name: string;
  objectTypeId: string;
  /** The upper-case singular name *-hsmeta.json cards use: `CONTACT`. */
  singular: string;
}

/** The standard CRM objects a card can be placed on. */
export const objectTypeCatalogue: readonly ObjectTypeInfo[] = [
  { name: "contacts", objectTypeId: "0-1", singular: "CONTACT" },
  { name: "companies", objectTypeId: "0-2", singular: "COMPANY" },
  { name: "deals", objectTypeId: "0-3", singular: "DEAL" },
  { name: "tickets", objectTypeId: "0-5", singular: "TICKET" },
  { name: "products", objectTypeId: "0-7", singular: "PRODUCT" },
  { name: "line_items", objectTypeId: "0-8", singular: "LINE_ITEM" },
];

/** A card's object type after resolving aliases; custom objects keep the name they are given and have no fixed id. */
export interface ObjectTypeRef {
  name: string;
  objectTypeId?: string;
}

const byAlias = new Map<string, ObjectTypeInfo>();
for (const t of objectTypeCatalogue) for (const alias of [t.name, t.singular, t.objectTypeId]) byAlias.set(alias.toLowerCase(), t);

/** A custom object as HubSpot names it: `p_<name>`, `p<portalId>_<name>` or its type id `2-<n>` (one portal's). */
const customName = /^(p\d*_[a-z0-9_]+|2-\d+)$/i;

/** Accepts `contacts`, `CONTACT`, `contact`, `0-1` and custom `p_<name>`, `p<portalId>_<name>`, `2-<n>`. */
export function resolveObjectType(input: string): ObjectTypeRef | undefined {
  const info = byAlias.get(input.toLowerCase());
  if (info) return { name: info.name, objectTypeId: info.objectTypeId };
  return customName.test(input) ? { name: input } : undefined;
}

export function suggestObjectType(input: string, style: "plural" | "singular"): string | undefined {
  const names = objectTypeCatalogue.map((t) => (style === "plural" ? t.name : t.singular));
  return didYouMean(input, names);
}

export function objectTypeNames(style: "plural" | "singular"): string {
  return objectTypeCatalogue.map((t) => (style === "plural" ? t.name : t.singular)).join(", ");
}
