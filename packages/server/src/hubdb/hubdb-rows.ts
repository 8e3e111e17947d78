import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { invalid } from "../errors/domain-error";
import type { Query } from "../crm/query-params";
import { intParam, listParam, stringParam } from "../crm/query-params";
import type { Column, ColumnOption, TableDefinition } from "./hubdb-tables";

type Db = Kysely<Database>;

/** A row's content on one side (draft or published). */
export interface RowContent {
  values: Record<string, unknown>;
  path: string | null;
  name: string | null;
  childTableId: number;
  displayIndex: number;
  updatedAt: number;
}

export interface StoredRow {
  id: number;
  draft: RowContent | null;
  published: RowContent | null;
  createdAt: number;
}

export const rowInput = z.object({
  values: z.record(z.string(), z.unknown()),
  path: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  childTableId: z.number().int().optional(),
  displayIndex: z.number().int().optional(),
});
export type RowInput = z.infer<typeof rowInput>;

function option(column: Column, raw: unknown): ColumnOption {
  const wanted =
    typeof raw === "object" && raw !== null ? ((raw as { name?: unknown; id?: unknown }).name ?? (raw as { id?: unknown }).id) : raw;
  const found = column.options?.find((o) => o.name === String(wanted) || o.id === String(wanted));
  if (!found)
    throw invalid(
      `Column ${column.name}: ${JSON.stringify(raw)} is not one of its options (${(column.options ?? []).map((o) => o.name).join(", ")}).`,
    );
  return found;
}

/** One cell as HubSpot stores it for the column's type; a value of the wrong type is a 400 naming the column. */
function cell(column: Column, raw: unknown): unknown {
  if (raw === null) return null;
  const wrong = (what: string) => invalid(`Column ${column.name} (${column.type}) takes ${what}, not ${JSON.stringify(raw)}.`);
  switch (column.type) {
    case "NUMBER":
    case "CURRENCY": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw wrong("a number");
      return n;
    }
    case "BOOLEAN":
      if (raw === true || raw === 1 || raw === "true") return true;
      if (raw === false || raw === 0 || raw === "false") return false;
      throw wrong("true or false");
    case "TEXT":
    case "RICHTEXT":
    case "URL":
      if (typeof raw !== "string") throw wrong("a string");
      return raw;
    case "DATE":
    case "DATETIME": {
      const ms = typeof raw === "number" ? raw : typeof raw === "string" ? Date.parse(raw) : NaN;
      if (!Number.isFinite(ms)) throw wrong("epoch milliseconds or an ISO-8601 date");
      return ms;
    }
    case "SELECT":
      return option(column, raw);
    case "MULTISELECT":
      if (!Array.isArray(raw)) throw wrong("a list of options");
      return raw.map((x) => option(column, x));
    default:
      return raw;
  }
}

/** A row's content from a request against the table's draft columns; `base` is merged under it (PATCH). */
export function contentFrom(def: TableDefinition, input: RowInput, base: RowContent | null, now: number): RowContent {
  const values: Record<string, unknown> = { ...(base?.values ?? {}) };
  for (const [name, raw] of Object.entries(input.values)) {
    const column = def.columns.find((c) => c.name === name || c.id === name);
    if (!column) throw invalid(`The table has no column ${name} (it has ${def.columns.map((c) => c.name).join(", ") || "none"}).`);
    values[column.name] = cell(column, raw);
  }
  return {
    values,
    path: input.path === undefined ? (base?.path ?? null) : input.path,
    name: input.name === undefined ? (base?.name ?? null) : input.name,
    childTableId: input.childTableId ?? base?.childTableId ?? 0,
    displayIndex: input.displayIndex ?? base?.displayIndex ?? 0,
    updatedAt: now,
  };
}

export async function tableRows(db: Db, accountId: number, tableId: number): Promise<StoredRow[]> {
  const rows = await db
    .selectFrom("hubdb_rows")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("table_id", "=", tableId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    draft: r.draft === null ? null : (JSON.parse(r.draft) as RowContent),
    published: r.published === null ? null : (JSON.parse(r.published) as RowContent),
    createdAt: Number(r.created_at),
  }));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** HubSpot's `HubDbTableRowV3`: values of the table's current columns only (`properties` narrows them). */
export function rowView(def: TableDefinition, id: number, createdAt: number, c: RowContent, publishedAt: number | null, only?: string[]) {
  const values: Record<string, unknown> = {};
  for (const column of def.columns)
    if (c.values[column.name] !== undefined && (!only || only.length === 0 || only.includes(column.name)))
      values[column.name] = c.values[column.name];
  return {
    id: String(id),
    createdAt: iso(createdAt),
    updatedAt: iso(c.updatedAt),
    ...(publishedAt !== null ? { publishedAt: iso(publishedAt) } : {}),
    values,
    path: c.path,
    name: c.name,
    childTableId: String(c.childTableId),
  };
}

const OPERATORS = [
  "eq",
  "ne",
  "contains",
  "icontains",
  "startswith",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "not_in",
  "is_null",
  "not_null",
] as const;
type Operator = (typeof OPERATORS)[number];
const CONTROLS = new Set(["sort", "after", "limit", "offset", "properties", "archived"]);

interface Filter {
  column: string;
  op: Operator;
  value: string;
}

/** The value a filter or sort sees: hs_id, hs_path, hs_name, or a column's (an option's name). */
function fieldOf(id: number, c: RowContent, field: string): unknown {
  if (field === "hs_id") return id;
  if (field === "hs_path") return c.path;
  if (field === "hs_name") return c.name;
  const v = c.values[field];
  if (Array.isArray(v)) return v.map((x) => (x as ColumnOption).name).join(";");
  if (v !== null && typeof v === "object") return (v as ColumnOption).name;
  return v;
}

function matches(v: unknown, f: Filter): boolean {
  if (f.op === "is_null") return v === null || v === undefined;
  if (f.op === "not_null") return v !== null && v !== undefined;
  if (v === null || v === undefined) return f.op === "ne" || f.op === "not_in";
  const numeric = typeof v === "number";
  const cmp = (x: string) => (numeric ? (v as number) - Number(x) : String(v).localeCompare(x));
  const text = String(v);
  switch (f.op) {
    case "eq":
      return numeric ? v === Number(f.value) : text === f.value || (typeof v === "boolean" && String(v) === f.value);
    case "ne":
      return !matches(v, { ...f, op: "eq" });
    case "contains":
      return text.includes(f.value);
    case "icontains":
      return text.toLowerCase().includes(f.value.toLowerCase());
    case "startswith":
      return text.startsWith(f.value);
    case "lt":
      return cmp(f.value) < 0;
    case "lte":
      return cmp(f.value) <= 0;
    case "gt":
      return cmp(f.value) > 0;
    case "gte":
      return cmp(f.value) >= 0;
    case "in":
      return f.value.split(",").some((x) => matches(v, { ...f, op: "eq", value: x }));
    case "not_in":
      return !matches(v, { ...f, op: "in" });
  }
}

/**
 * HubSpot's row query on one side of a table: `column__op=value` filters (`column=value` is eq), `sort=column` or
 * `-column` (repeatable), `limit` (at most 1000), `after`/`offset`, `properties`. Unknown columns and operators are 400s.
 */
export function queryRows(def: TableDefinition, rows: Array<{ id: number; createdAt: number; content: RowContent }>, q: Query) {
  const fields = new Set(["hs_id", "hs_path", "hs_name", ...def.columns.map((c) => c.name)]);
  const filters: Filter[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (CONTROLS.has(key) || raw === undefined) continue;
    const at = key.lastIndexOf("__");
    const column = at > 0 ? key.slice(0, at) : key;
    const op = (at > 0 ? key.slice(at + 2) : "eq").toLowerCase();
    if (!fields.has(column)) throw invalid(`Filter ${key}: the table has no column ${column}.`);
    if (!(OPERATORS as readonly string[]).includes(op))
      throw invalid(`Filter ${key}: ${op} is not an operator (use ${OPERATORS.join(", ")}).`);
    for (const value of Array.isArray(raw) ? raw : [raw]) filters.push({ column, op: op as Operator, value });
  }
  const sorts = listParam(q, "sort").map((s) => ({ field: s.replace(/^-/, ""), desc: s.startsWith("-") }));
  for (const s of sorts) if (!fields.has(s.field)) throw invalid(`sort: the table has no column ${s.field}.`);
  const kept = rows.filter((r) => filters.every((f) => matches(fieldOf(r.id, r.content, f.column), f)));
  if (sorts.length > 0)
    kept.sort((a, b) => {
      for (const s of sorts) {
        const x = fieldOf(a.id, a.content, s.field);
        const y = fieldOf(b.id, b.content, s.field);
        const d =
          x === y
            ? 0
            : x === null || x === undefined
              ? 1
              : y === null || y === undefined
                ? -1
                : typeof x === "number" && typeof y === "number"
                  ? x - y
                  : String(x).localeCompare(String(y));
        if (d !== 0) return s.desc ? -d : d;
      }
      return a.id - b.id;
    });
  const limit = intParam(q, "limit", 1000, 1000);
  const start = Number(stringParam(q, "after") ?? stringParam(q, "offset") ?? 0);
  if (!Number.isInteger(start) || start < 0) throw invalid(`after must be a cursor from a previous page.`);
  const page = kept.slice(start, start + limit);
  return {
    total: kept.length,
    page,
    next: start + limit < kept.length ? String(start + limit) : undefined,
    properties: listParam(q, "properties"),
  };
}
