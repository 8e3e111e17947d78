// GET /api/v1/app-pages as a query: the app home pages and settings pages of the account's live builds, and who views
// them (HubSpot's `context.user` and `context.portal`).
import type { AppPagesAnswer } from "@sprocket/contract";
import { api } from "../api-client";

export const appPagesPath = (appId?: number) => (appId === undefined ? "/api/v1/app-pages" : `/api/v1/app-pages?appId=${appId}`);

/** All the account's app pages, or one app's. */
export const appPagesQuery = (accountId: number, appId?: number) => ({
  queryKey: appId === undefined ? (["app-pages", accountId] as const) : (["app-pages", accountId, appId] as const),
  queryFn: () => api<AppPagesAnswer>("GET", appPagesPath(appId)),
});

/** The app's home page: a `page` in location home, or its `pages` component. */
export const homePageOf = (answer: AppPagesAnswer | undefined, appId: number) =>
  answer?.results.find((page) => page.appId === appId && page.location === "home");
