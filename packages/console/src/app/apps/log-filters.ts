// The Logs tab's filters: which apply to each kind, the query string they make, and the same test applied to the
// events that arrive live (the server filters pages; live events are filtered here, by the same rules).
import { FILTERS_BY_KIND, type LogEvent, type LogKind } from "@sprocket/contract";

export interface LogFilters {
  /** A duration back from now (15m, 1h, 1d, 7d) or "" for the whole retention period. */
  since: string;
  status: string;
  level: string;
  method: string;
  function: string;
  card: string;
  q: string;
  /** An OAuth app's: one account it is installed in, by ID, or "" for all. */
  account: string;
}

export const noFilters: LogFilters = { since: "", status: "", level: "", method: "", function: "", card: "", q: "", account: "" };

export const sinceOptions = [
  { value: "", label: "Any time" },
  { value: "15m", label: "Last 15 minutes" },
  { value: "1h", label: "Last hour" },
  { value: "1d", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
];

export const statusOptions: Record<LogKind, Array<{ value: string; label: string }>> = {
  "api-calls": [
    { value: "", label: "Any status" },
    { value: "success", label: "Success (below 400)" },
    { value: "error", label: "Errors (400 and up)" },
    { value: "2xx", label: "2xx" },
    { value: "3xx", label: "3xx" },
    { value: "4xx", label: "4xx" },
    { value: "5xx", label: "5xx" },
    { value: "401", label: "401" },
    { value: "403", label: "403" },
    { value: "404", label: "404" },
    { value: "429", label: "429" },
  ],
  functions: [
    { value: "", label: "Any outcome" },
    { value: "success", label: "Success" },
    { value: "error", label: "Not successful" },
    { value: "ERROR", label: "ERROR" },
    { value: "TIMEOUT", label: "TIMEOUT" },
    { value: "CRASHED", label: "CRASHED" },
  ],
  extensions: [
    { value: "", label: "Any event" },
    { value: "success", label: "Rendered" },
    { value: "error", label: "Errors" },
    { value: "RENDER_SUCCESS", label: "RENDER_SUCCESS" },
    { value: "RENDER_FAILURE", label: "RENDER_FAILURE" },
    { value: "LOG", label: "LOG" },
  ],
  security: [],
};

export const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
export const levels = ["DEBUG", "INFO", "WARN", "ERROR"];

export const searchHints: Record<LogKind, string> = {
  "api-calls": "Search paths",
  functions: "Search names, errors and logs",
  extensions: "Search messages",
  security: "Search event types and actors",
};

/** The list route's query string for these filters, leaving out those that do not apply to the kind. */
export function filterQuery(kind: LogKind, f: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.since) params.set("since", f.since);
  for (const name of FILTERS_BY_KIND[kind]) if (f[name]) params.set(name, f[name]);
  // Security events are the owner account's alone, so the account filter does not apply to them.
  if (f.account && kind !== "security") params.set("account", f.account);
  return params;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const contains = (text: string | null | undefined, q: string) => (text ?? "").toLowerCase().includes(q.toLowerCase());

function statusMatches(kind: LogKind, status: string, e: LogEvent): boolean {
  if (e.kind === "api-call") {
    const cls = /^([1-5])xx$/i.exec(status);
    if (cls) return Math.floor(e.status / 100) === Number(cls[1]);
    if (status === "error") return e.status >= 400;
    if (status === "success") return e.status < 400;
    return e.status === Number(status);
  }
  if (e.kind === "function-run")
    return status === "success" ? e.outcome === "SUCCESS" : status === "error" ? e.outcome !== "SUCCESS" : e.outcome === status;
  if (e.kind === "extension-event") {
    if (status === "success") return e.eventType === "RENDER_SUCCESS";
    if (status === "error") return e.eventType === "RENDER_FAILURE" || e.level === "ERROR";
    return e.eventType === status;
  }
  return kind === "security";
}

function searchMatches(e: LogEvent, q: string): boolean {
  switch (e.kind) {
    case "api-call":
      return contains(e.path, q);
    case "function-run":
      return contains(e.functionName, q) || contains(e.error?.message, q);
    case "extension-event":
      return contains(e.message, q);
    case "security-event":
      return contains(e.type, q) || contains(e.actor.label, q);
  }
}

/** Whether an event that arrived live belongs in the list the server would answer for these filters. */
export function matchesFilters(kind: LogKind, f: LogFilters, e: LogEvent, now: number): boolean {
  const since = /^(\d+)([mhd])$/.exec(f.since);
  if (since && e.timestamp < now - Number(since[1]) * UNITS[since[2]!]!) return false;
  if (f.account && kind !== "security" && e.accountId !== Number(f.account)) return false;
  const applies = FILTERS_BY_KIND[kind];
  if (applies.includes("status") && f.status && !statusMatches(kind, f.status, e)) return false;
  if (applies.includes("method") && f.method && e.kind === "api-call" && e.method !== f.method) return false;
  if (applies.includes("function") && f.function && e.kind === "function-run" && e.functionName !== f.function) return false;
  if (applies.includes("level") && f.level && e.kind === "extension-event" && e.level !== f.level) return false;
  if (applies.includes("card") && f.card && e.kind === "extension-event" && e.cardUid !== f.card) return false;
  // Live function runs carry no log lines: a search that only their logs would match shows them on the next load.
  if (applies.includes("q") && f.q && !searchMatches(e, f.q)) return false;
  return true;
}
