import path from "node:path";

/** A project whose public endpoints answer well and badly (fixtures/endpoints-project/…/respond.js, page.js). */
export const ENDPOINTS_PROJECT = path.join(import.meta.dirname, "../fixtures/endpoints-project");

export { deployProjectDir } from "./project-api";

/** `?respond=` for respond.js: the value the function returns, as it is. */
export const respondWith = (value: unknown) => `respond=${encodeURIComponent(JSON.stringify(value))}`;
