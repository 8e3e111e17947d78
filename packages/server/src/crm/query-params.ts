import { invalid } from "../errors/domain-error";

export type Query = Record<string, string | string[] | undefined>;

/** HubSpot's SDK repeats list parameters (`?properties=a&properties=b`); its spec says comma lists. Both are accepted. */
export function listParam(q: Query, name: string): string[] {
  const raw = q[name];
  const out: string[] = [];
  if (raw === undefined) return out;
  // One pass into one array (a get's `properties=` is parsed on every call; flatMap, map and filter made three).
  if (typeof raw === "string") addItems(raw, out);
  else for (const v of raw) addItems(v, out);
  return out;
}

function addItems(list: string, out: string[]): void {
  for (const v of list.split(",")) {
    const item = v.trim();
    if (item !== "") out.push(item);
  }
}

export function stringParam(q: Query, name: string): string | undefined {
  const raw = q[name];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

export function boolParam(q: Query, name: string): boolean {
  const raw = stringParam(q, name);
  if (raw === undefined || raw === "") return false;
  if (raw === "true" || raw === "false") return raw === "true";
  throw invalid(`Query parameter ${name} must be true or false (got ${JSON.stringify(raw)}).`, [{ message: "Invalid boolean", in: name }]);
}

export function intParam(q: Query, name: string, dflt: number, max: number): number {
  const raw = stringParam(q, name);
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw invalid(`Query parameter ${name} must be a positive integer (got ${JSON.stringify(raw)}).`, [
      { message: "Invalid integer", in: name },
    ]);
  return Math.min(n, max);
}
