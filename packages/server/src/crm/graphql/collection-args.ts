import type { SearchRequest } from "../search-query";

/** The filter suffixes HubSpot's GraphQL schema offers, as CRM search operators. */
export const FILTER_SUFFIXES = [
  "eq",
  "neq",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "not_in",
  "contains",
  "not_contains",
  "null",
  "not_null",
] as const;
export type FilterSuffix = (typeof FILTER_SUFFIXES)[number];

/** What one field of a `<type>_filter` input stands for. */
export interface FilterField {
  propertyName: string;
  suffix: FilterSuffix;
}

type SearchFilter = SearchRequest["filterGroups"][number]["filters"][number];
type Scalar = string | number | boolean;

const SINGLE: Partial<Record<FilterSuffix, SearchFilter["operator"]>> = {
  eq: "EQ",
  neq: "NEQ",
  lt: "LT",
  lte: "LTE",
  gt: "GT",
  gte: "GTE",
  contains: "CONTAINS_TOKEN",
  not_contains: "NOT_CONTAINS_TOKEN",
};

/** One filter field's value as a search filter: `__null: true` is NOT_HAS_PROPERTY, `__null: false` HAS_PROPERTY. */
function toSearchFilter(f: FilterField, value: unknown): SearchFilter {
  const { propertyName, suffix } = f;
  const single = SINGLE[suffix];
  if (single) return { propertyName, operator: single, value: value as Scalar };
  if (suffix === "in" || suffix === "not_in")
    return { propertyName, operator: suffix === "in" ? "IN" : "NOT_IN", values: value as Scalar[] };
  const wantsNull = (suffix === "null") === (value === true);
  return { propertyName, operator: wantsNull ? "NOT_HAS_PROPERTY" : "HAS_PROPERTY" };
}

export interface SortChoice {
  propertyName: string;
  direction: "ASCENDING" | "DESCENDING";
}

/** A collection's arguments as the body of a CRM search (ANDed filters in one group), for parseSearch to check. */
export function searchBody(
  fields: ReadonlyMap<string, FilterField>,
  args: { filter?: Record<string, unknown> | null; orderBy?: readonly SortChoice[] | null; limit: number; offset: number },
) {
  const filters = Object.entries(args.filter ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([name, v]) => toSearchFilter(fields.get(name)!, v));
  return {
    filterGroups: filters.length > 0 ? [{ filters }] : [],
    sorts: [...(args.orderBy ?? [])],
    limit: args.limit,
    after: String(args.offset),
    properties: [],
  };
}
