// What the first screen waits for, started as soon as the entry runs: the session, the page's chunk and, on a standard
// CRM index page, its properties and first search. Left to React, each started only once the previous had rendered
// (session → shell → lazy page chunk → the page's queries), a chain of round trips before the first row.
import type { QueryClient } from "@tanstack/react-query";
import { firstIndexView, indexSearchQuery, propertiesQuery } from "./crm/index-queries";
import { findType, standardObjectTypes } from "./crm/object-types";
import { sessionQuery } from "./session";

/** A wouter path pattern (`/a/:b`) as a whole-path regular expression. */
const patternRegex = (pattern: string) => new RegExp(`^${pattern.replace(/:[^/]+/g, "[^/]+")}/?$`);

export function startFirstScreen(
  queryClient: QueryClient,
  path: string,
  pages: ReadonlyArray<{ path: string; page: { preload(): Promise<unknown> } }>,
): void {
  // A failed chunk load shows on the page's own render (its error boundary); here it is only a head start.
  pages
    .find((route) => patternRegex(route.path).test(path))
    ?.page.preload()
    .catch(() => undefined);
  // The search is a POST, which needs the session's CSRF token: it follows the session (index.html preloads it).
  const session = queryClient.fetchQuery(sessionQuery);
  const index = /^\/contacts\/(\d+)\/objects\/([^/]+)\/?$/.exec(path);
  const type = index ? findType(standardObjectTypes, decodeURIComponent(index[2]!)) : undefined;
  session.then(
    (signedIn) => {
      // Signed out, or the URL names another account (the page switches first, which drops every cached query).
      if (!type || signedIn?.accountId !== Number(index![1])) return;
      void queryClient.prefetchQuery(propertiesQuery(signedIn.accountId, type));
      void queryClient.prefetchQuery(indexSearchQuery(signedIn.accountId, type, firstIndexView(type)));
    },
    // The shell's session query shows the error.
    () => undefined,
  );
}
