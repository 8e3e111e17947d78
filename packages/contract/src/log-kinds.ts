// Plain values of the log contract, without zod: the console imports these at run time and its bundle stays small.

/** What the Logs tabs list, one word per table: `/api/v1/logs/:kind`. */
export const LOG_KINDS = ["api-calls", "functions", "extensions", "security"] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** The list filters of a log kind; any other one is a 400. The console offers these and applies them to live events. */
export type LogFilterName = "status" | "level" | "method" | "function" | "card" | "q";
export const FILTERS_BY_KIND: Readonly<Record<LogKind, readonly LogFilterName[]>> = {
  "api-calls": ["status", "method", "q"],
  functions: ["status", "function", "q"],
  extensions: ["status", "level", "card", "q"],
  security: ["q"],
};

/** The Overview tab's time ranges: `?range=`. */
export const OVERVIEW_RANGES = ["1h", "1d", "1w"] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

/** FETCH: a `hubspot.fetch` call the server proxied for a card. */
export const EXTENSION_EVENT_TYPES = ["RENDER_SUCCESS", "RENDER_FAILURE", "LOG", "FETCH"] as const;
export const EXTENSION_LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;

export const SECURITY_EVENT_TYPES = [
  "TOKEN_VIEWED",
  "CLIENT_SECRET_VIEWED",
  "TOKEN_ROTATED",
  "TOKEN_ROTATED_LATER",
  "OLD_TOKEN_EXPIRED",
  "TOKEN_REVOKED",
  "APP_DELETED",
  "SECRET_CHANGED",
  "KEY_CREATED",
  "KEY_REVOKED",
  "SIGN_IN_FAILED",
  "CLIENT_SECRET_ROTATED",
  "APP_INSTALLED",
  "APP_UNINSTALLED",
  "USER_INVITED",
  "INVITE_ACCEPTED",
  "APP_INSTALL_REFUSED",
  "OAUTH_CODE_REUSED",
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];
