// The queries a CRM index page starts with, shared by the page and by the entry's early fetch (first-screen.ts), so
// what the entry fetches before the page renders lands under the keys the page reads.
import { crmApi, type SearchRequest } from "./crm-api";
import type { CrmObjectType } from "./object-types";

export const INDEX_PAGE_SIZE = 25;

export type IndexSort = { propertyName: string; direction: "ASCENDING" | "DESCENDING" };

/** Where the page keeps the user's column choice per object type (Mantine's useLocalStorage, JSON). */
export const columnsStorageKey = (type: CrmObjectType) => `sprocket.columns.${type.objectTypeId}`;

/** The stored column choice as the page's first render reads it, or the type's defaults. */
export function storedColumns(type: CrmObjectType): string[] {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(columnsStorageKey(type)) ?? "null");
    return Array.isArray(stored) && stored.every((name) => typeof name === "string") ? stored : type.defaultColumns;
  } catch {
    return type.defaultColumns;
  }
}

export const propertiesQuery = (accountId: number, type: CrmObjectType, load = () => crmApi.properties(type.name)) => ({
  queryKey: ["crm-properties", accountId, type.name],
  queryFn: load,
  staleTime: 300_000,
});

export interface IndexView {
  query: string;
  sort: IndexSort | undefined;
  columns: string[];
  pageSize: number;
  after: string | undefined;
}

/** The page's first view: the stored columns in the browser; the server renders the defaults (first-screen-data.ts). */
export const firstIndexView = (type: CrmObjectType, columns = storedColumns(type)): IndexView => ({
  query: "",
  sort: undefined,
  columns,
  pageSize: INDEX_PAGE_SIZE,
  after: undefined,
});

export const searchRequest = (type: CrmObjectType, view: IndexView): SearchRequest => ({
  ...(view.query ? { query: view.query } : {}),
  ...(view.sort ? { sorts: [view.sort] } : {}),
  properties: [...new Set([...view.columns, ...type.defaultColumns])],
  limit: view.pageSize,
  ...(view.after ? { after: view.after } : {}),
});

export const indexSearchQuery = (accountId: number, type: CrmObjectType, view: IndexView) => ({
  queryKey: ["crm-search", accountId, type.name, view.query, view.sort, view.columns, view.pageSize, view.after],
  queryFn: ({ signal }: { signal?: AbortSignal }) => crmApi.search(type.name, searchRequest(type, view), signal),
});
