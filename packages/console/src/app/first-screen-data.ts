// A server-rendered first screen's data (issue #24 item 3): what a CRM index page and the shell around it show, asked
// through Sprocket's own API as the signed-in user (the server makes these calls in-process, with the request's session
// cookie, so they pass the same authentication and account scoping as the browser's), and embedded in the page so the
// browser's first render, the hydration, has exactly what the server rendered with.
import type { QueryClient } from "@tanstack/react-query";
import type { AppPagesAnswer, SessionInfo, SessionState } from "@sprocket/contract";
import { appPagesPath, appPagesQuery } from "./apps/app-pages-query";
import { crmPaths, type PropertyDefinition, type SearchPage } from "./crm/crm-api";
import { firstIndexView, indexSearchQuery, propertiesQuery, searchRequest } from "./crm/index-queries";
import { findType, standardObjectTypes, type CrmObjectType, type ObjectSchema } from "./crm/object-types";
import { SCHEMAS_PATH, schemaTypes, schemasQuery } from "./crm/use-object-types";
import type { Formats } from "./formats";
import { SESSION_PATH, sessionQuery } from "./session";

/** The pages the server renders: a CRM object's index (HubSpot's URL; the contacts page is `/contacts/<id>/objects/0-1`). */
const CRM_INDEX = /^\/contacts\/(\d+)\/objects\/([^/]+)\/?$/;

export interface FirstScreen {
  /** The path rendered: the browser hydrates only that page. */
  path: string;
  formats: Required<Formats>;
  session: SessionInfo;
  /** Each answer is missing when its call failed: the browser asks again, as it does without a server render. */
  schemas?: { results: ObjectSchema[] };
  appPages?: AppPagesAnswer;
  /** The columns of the first search (the object type's defaults; the browser keeps a choice of its own). */
  columns: string[];
  properties?: { results: PropertyDefinition[] };
  search?: SearchPage;
}

/** One call to Sprocket's API as the signed-in user: the JSON of a 200 answer, else undefined. */
export type ApiCall = (method: "GET" | "POST", path: string, options?: { body?: unknown; csrfToken?: string }) => Promise<unknown>;

/** The index page's type among the standard ones and the account's custom ones. */
function pageType(path: string, schemas: FirstScreen["schemas"]): CrmObjectType | undefined {
  const objectTypeId = decodeURIComponent(CRM_INDEX.exec(path)![2]!);
  return findType([...standardObjectTypes, ...(schemas ? schemaTypes(schemas) : [])], objectTypeId);
}

/**
 * The first screen of `path` for whoever `call` speaks for, or undefined when the server renders nothing: another page,
 * nobody signed in, or a URL naming an account other than the session's (the browser switches accounts first).
 */
export async function loadFirstScreen(path: string, call: ApiCall, formats: Required<Formats>): Promise<FirstScreen | undefined> {
  const index = CRM_INDEX.exec(path);
  if (!index) return undefined;
  const session = (await call("GET", SESSION_PATH)) as SessionState | undefined;
  if (!session?.signedIn || session.accountId !== Number(index[1])) return undefined;
  const get = <T>(url: string) => call("GET", url) as Promise<T | undefined>;
  const lists = Promise.all([get<FirstScreen["schemas"]>(SCHEMAS_PATH), get<AppPagesAnswer>(appPagesPath())]);
  // A standard type's page asks for its rows alongside the shell's lists; a custom type's needs its schema first.
  const type = pageType(path, undefined) ?? pageType(path, (await lists)[0]);
  const columns = type?.defaultColumns ?? [];
  const [[schemas, appPages], properties, search] = await Promise.all([
    lists,
    type ? (call("GET", crmPaths.properties(type.name)) as Promise<FirstScreen["properties"]>) : undefined,
    type
      ? (call("POST", crmPaths.search(type.name), {
          body: searchRequest(type, firstIndexView(type, columns)),
          csrfToken: session.csrfToken,
        }) as Promise<FirstScreen["search"]>)
      : undefined,
  ]);
  return { path, formats, session, schemas, appPages, columns, properties, search };
}

/** Puts the first screen's answers in the cache under the keys the shell and the page read, as their queries would. */
export function seedFirstScreen(queryClient: QueryClient, screen: FirstScreen): CrmObjectType | undefined {
  const { accountId } = screen.session;
  queryClient.setQueryData(sessionQuery.queryKey, screen.session);
  if (screen.schemas) queryClient.setQueryData(schemasQuery(accountId).queryKey, schemaTypes(screen.schemas));
  if (screen.appPages) queryClient.setQueryData(appPagesQuery(accountId).queryKey, screen.appPages);
  const type = pageType(screen.path, screen.schemas);
  if (!type) return undefined;
  if (screen.properties) queryClient.setQueryData(propertiesQuery(accountId, type).queryKey, screen.properties.results);
  if (screen.search)
    queryClient.setQueryData(indexSearchQuery(accountId, type, firstIndexView(type, screen.columns)).queryKey, screen.search);
  return type;
}
