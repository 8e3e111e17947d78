// The account's CRM object types for navigation and pages: the standard ones at once, its custom objects once their
// schemas have loaded.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { useSession } from "../session";
import { customObjectType, findType, standardObjectTypes, type CrmObjectType, type ObjectSchema } from "./object-types";

export const SCHEMAS_PATH = "/crm/v3/schemas";
export const schemaTypes = (answer: { results: ObjectSchema[] }) => answer.results.map(customObjectType);

export const schemasQuery = (accountId: number) => ({
  queryKey: ["crm-schemas", accountId] as const,
  queryFn: () => api<{ results: ObjectSchema[] }>("GET", SCHEMAS_PATH).then(schemaTypes),
  // Schemas are made through the API, rarely: a page opened later sees a new one.
  staleTime: 30_000,
});

export function useCrmObjectTypes(): { types: CrmObjectType[]; error: unknown } {
  const { accountId } = useSession();
  const custom = useQuery(schemasQuery(accountId));
  return { types: [...standardObjectTypes, ...(custom.data ?? [])], error: custom.error };
}

/** The type a URL names; `pending` while a custom type's schema is still loading. */
export function useObjectType(objectTypeId: string): { type: CrmObjectType | undefined; pending: boolean; error: unknown } {
  const { accountId } = useSession();
  const standard = findType(standardObjectTypes, objectTypeId);
  const custom = useQuery({ ...schemasQuery(accountId), enabled: !standard });
  if (standard) return { type: standard, pending: false, error: null };
  return { type: custom.data ? findType(custom.data, objectTypeId) : undefined, pending: custom.isPending, error: custom.error };
}
