// The HubSpot-compatible CRM API as the console calls it (session cookie, CSRF header on writes).
import { api } from "../api-client";

export interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: "string" | "number" | "date" | "datetime" | "enumeration" | "bool" | string;
  fieldType: string;
  groupName: string;
  description?: string;
  options: { label: string; value: string; hidden?: boolean }[];
  hidden?: boolean;
  calculated?: boolean;
  hasUniqueValue?: boolean;
  modificationMetadata?: { readOnlyValue?: boolean; readOnlyDefinition?: boolean; archivable?: boolean };
}

export interface SearchRequest {
  query?: string;
  sorts?: { propertyName: string; direction: "ASCENDING" | "DESCENDING" }[];
  properties: string[];
  limit: number;
  after?: string;
  filterGroups?: { filters: { propertyName: string; operator: string; value?: string; values?: string[] }[] }[];
}

export interface SearchPage {
  total: number;
  results: CrmRecord[];
  paging?: { next?: { after: string } };
}

export interface AssociationRow {
  toObjectId: number | string;
  associationTypes: { category: string; typeId: number; label: string | null }[];
}

/** The two CRM calls a server-rendered index page makes for the browser (first-screen-data.ts), as crmApi makes them. */
export const crmPaths = {
  properties: (objectType: string) => `/crm/v3/properties/${objectType}`,
  search: (objectType: string) => `/crm/v3/objects/${objectType}/search`,
};

const query = (names: string[]) => names.map((name) => `properties=${encodeURIComponent(name)}`).join("&");

export const crmApi = {
  properties: (objectType: string) => api<{ results: PropertyDefinition[] }>("GET", crmPaths.properties(objectType)).then((r) => r.results),
  search: (objectType: string, request: SearchRequest, signal?: AbortSignal) =>
    api<SearchPage>("POST", crmPaths.search(objectType), request, signal ? { signal } : {}),
  get: (objectType: string, id: string, properties: string[]) =>
    api<CrmRecord>("GET", `/crm/v3/objects/${objectType}/${encodeURIComponent(id)}?${query(properties)}`),
  create: (objectType: string, properties: Record<string, string>) =>
    api<CrmRecord>("POST", `/crm/v3/objects/${objectType}`, { properties }),
  archive: (objectType: string, id: string) => api<void>("DELETE", `/crm/v3/objects/${objectType}/${encodeURIComponent(id)}`),
  update: (objectType: string, id: string, properties: Record<string, string>) =>
    api<CrmRecord>("PATCH", `/crm/v3/objects/${objectType}/${encodeURIComponent(id)}`, { properties }),
  batchRead: (objectType: string, ids: string[], properties: string[]) =>
    api<{ results: CrmRecord[] }>("POST", `/crm/v3/objects/${objectType}/batch/read`, {
      inputs: ids.map((id) => ({ id })),
      properties,
    }).then((r) => r.results),
  associations: (fromType: string, id: string, toType: string, limit = 100) =>
    api<{ results: AssociationRow[]; paging?: { next?: { after: string } } }>(
      "GET",
      `/crm/v4/objects/${fromType}/${encodeURIComponent(id)}/associations/${toType}?limit=${limit}`,
    ),
};

/** Properties a person can change: not computed, not read-only. */
export const isEditable = (property: PropertyDefinition) =>
  !property.calculated && !property.modificationMetadata?.readOnlyValue && property.fieldType !== "calculation_equation";
