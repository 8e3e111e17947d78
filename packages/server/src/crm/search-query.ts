import { PostgresAdapter, sql, type Kysely, type RawBuilder } from "kysely";
import { z } from "zod";
import type { Database } from "../store/schema";
import { invalid } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import { findObjectType, type ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { decodeRow, type StoredObject } from "./object-store";
import { isNumericType, parseInstant } from "./property-values";
import type { IndexColumn, IndexQuery, SearchIndex, Term } from "./search-index";

/**
 * HubSpot's search limits (2024-08 changelog): groups, filters per group, filters in all, page size, reachable results;
 * and 100 values in one IN / NOT_IN filter (associations.* included), which also keeps every search far below the
 * engines' bind-parameter caps (SQLite 32,766, PostgreSQL 65,535).
 */
export const SEARCH_LIMITS = {
  groups: 5,
  filtersPerGroup: 10,
  filters: 25,
  valuesPerFilter: 100,
  pageSize: 200,
  results: 10_000,
  queryLength: 3000,
};

export const OPERATORS = [
  "EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "BETWEEN",
  "IN",
  "NOT_IN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
  "CONTAINS_TOKEN",
  "NOT_CONTAINS_TOKEN",
] as const;
type Operator = (typeof OPERATORS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filter = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: scalar.optional().nullable(),
  highValue: scalar.optional().nullable(),
  values: z.array(scalar).optional().nullable(),
});
type Filter = z.infer<typeof filter>;

export const searchRequest = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filter).default([]) })).default([]),
  sorts: z
    .array(
      z.union([
        z.string(),
        z.object({ propertyName: z.string().min(1), direction: z.enum(["ASCENDING", "DESCENDING"]).default("ASCENDING") }),
      ]),
    )
    .default([]),
  query: z.string().optional(),
  properties: z.array(z.string()).default([]),
  limit: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]).default(10),
  after: z.union([z.string(), z.number()]).optional().nullable(),
});
export type SearchRequest = z.infer<typeof searchRequest>;

/** Properties that live in crm_objects columns. */
function columnOf(t: ObjectType, name: string): string | undefined {
  if (name === "createdate") return "o.created_at";
  if (name === "hs_object_id") return "o.id";
  if (name === t.lastModifiedProperty || name === "hs_lastmodifieddate" || name === "lastmodifieddate") return "o.updated_at";
  return undefined;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface Ctx {
  accountId: number;
  t: ObjectType;
  defs: Map<string, PropertyDef>;
  /** Set by runSearch: the store is SQLite (its planner takes index hints). */
  sqlite?: boolean;
  /** The node's in-memory index (search-index.ts), asked first; the routes pass it, direct callers may not. */
  index?: SearchIndex;
}

function bad(message: string, code: string, context?: Record<string, unknown>) {
  return invalid(message, [{ message, code, ...(context ? { context } : {}) }]);
}

function numberOf(f: Filter, raw: unknown, def: PropertyDef | undefined): number {
  const s = String(raw);
  const n =
    def && (def.type === "date" || def.type === "datetime")
      ? /^\d{4}-\d{2}-\d{2}$/.test(s)
        ? Date.parse(`${s}T00:00:00Z`)
        : parseInstant(s)
      : columnDate(def, s);
  if (n === undefined || !Number.isFinite(n))
    throw bad(
      `Filter on ${f.propertyName}: ${JSON.stringify(raw)} is not a valid ${def?.type ?? "datetime"} value.`,
      "INVALID_FILTER_VALUE",
      { propertyName: [f.propertyName] },
    );
  return n;
}

/** Column-backed dates take epoch millis or ISO; numbers take numbers. */
function columnDate(def: PropertyDef | undefined, s: string): number | undefined {
  if (!def || def.type === "datetime") return parseInstant(s);
  return /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
}

function needValue(f: Filter, key: "value" | "highValue"): string | number | boolean {
  const v = f[key];
  if (v === undefined || v === null)
    throw bad(`Filter on ${f.propertyName}: operator ${f.operator} needs ${key}.`, "MISSING_FILTER_VALUE", {
      propertyName: [f.propertyName],
    });
  return v;
}

function needValues(f: Filter): Array<string | number | boolean> {
  if (!f.values || f.values.length === 0)
    throw bad(`Filter on ${f.propertyName}: operator ${f.operator} needs a non-empty values array.`, "MISSING_FILTER_VALUE", {
      propertyName: [f.propertyName],
    });
  return f.values;
}

/**
 * A filter is either a set of record ids from the index (`in`, or `not in` when negated) or a plain condition on a
 * crm_objects column. The id sets of one group are intersected in a single subquery: planners then build each set
 * from its index once, instead of probing one set per row of another.
 */
type Condition =
  | {
      ids: RawBuilder<unknown>;
      negate: boolean;
      probe?: (id: RawBuilder<unknown>) => RawBuilder<unknown>;
      /** The same filter asked of a joined record `o` (see rowCheck); the probe where there is none. */
      check?: RawBuilder<unknown>;
    }
  | { where: RawBuilder<unknown> };

function groupCondition(ctx: Ctx, filters: Filter[]): RawBuilder<unknown> {
  const conds = filters.map((f) => condition(ctx, f));
  const parts: RawBuilder<unknown>[] = [];
  const positive = conds.flatMap((c) => ("ids" in c && !c.negate ? [c.ids] : []));
  if (positive.length > 0) parts.push(sql`o.id in (${sql.join(positive, sql` intersect `)})`);
  for (const c of conds) {
    if ("where" in c) parts.push(c.where);
    else if (c.negate) parts.push(sql`o.id not in (${c.ids})`);
  }
  return sql`(${sql.join(parts, sql` and `)})`;
}

/** One filter as a SQL condition on `o`. */
function condition(ctx: Ctx, f: Filter): Condition {
  const { t, defs, accountId } = ctx;
  const op: Operator = f.operator;
  if (f.propertyName.startsWith("associations.")) return associationCondition(ctx, f);
  const column = columnOf(t, f.propertyName);
  const def = defs.get(f.propertyName);
  if (!column && !def)
    throw bad(`Unable to search on property ${f.propertyName}: it does not exist on ${t.name}.`, "PROPERTY_DOESNT_EXIST", {
      propertyName: [f.propertyName],
    });
  const numeric = column !== undefined || isNumericType(def!);
  const toValue = (raw: unknown) => (numeric ? numberOf(f, raw, def) : String(raw).toLowerCase());

  if (column) {
    const c = sql.ref(column);
    switch (op) {
      case "HAS_PROPERTY":
        return { where: sql`1 = 1` };
      case "NOT_HAS_PROPERTY":
        return { where: sql`1 = 0` };
      case "CONTAINS_TOKEN":
      case "NOT_CONTAINS_TOKEN":
        throw bad(`Operator ${op} does not apply to ${f.propertyName}, which is not text.`, "INVALID_OPERATOR", {
          propertyName: [f.propertyName],
        });
      default:
        return { where: compare(c, op, f, toValue) };
    }
  }
  const col = sql.ref(numeric ? "v.value_num" : "v.value_text");
  // `probe` is the same filter asked of one record: a primary-key lookup on (object_id, name). On SQLite that is two
  // lookups (the key's index, then the row for its value); an EQ or IN names every column of the value index, whose
  // entry alone answers, so SQLite is told to use it (it prefers the unique key): 2,000 probes at a million
  // contacts took a third of the CPU time. PostgreSQL's key lookup was the faster of the two there (an IN is an
  // array of keys per probe in the value index), so it keeps it.
  const covered = ctx.sqlite ? sql.raw(numeric ? "crm_values_num" : "crm_values_text") : undefined;
  const within = (cond: RawBuilder<unknown>, negate = false, exact = false): Condition => {
    const probe =
      exact && covered
        ? (id: RawBuilder<unknown>) =>
            sql`exists (select 1 from crm_property_values v indexed by ${covered} where v.account_id = ${accountId} and v.object_type_id = ${t.id} and v.name = ${f.propertyName} and ${cond} and v.object_id = ${id})`
        : (id: RawBuilder<unknown>) =>
            sql`exists (select 1 from crm_property_values v where v.object_id = ${id} and v.name = ${f.propertyName} and ${cond})`;
    return {
      ids: sql`select v.object_id from crm_property_values v where v.account_id = ${accountId} and v.object_type_id = ${t.id} and v.name = ${f.propertyName} and ${cond}`,
      negate,
      probe,
      check: exact && !numeric ? rowCheck(ctx, f.propertyName, askedValues(f).map(toValue), probe(sql.ref("o.id"))) : undefined,
    };
  };
  switch (op) {
    case "HAS_PROPERTY":
      return within(sql`1 = 1`);
    case "NOT_HAS_PROPERTY":
      return within(sql`1 = 1`, true);
    case "CONTAINS_TOKEN":
    case "NOT_CONTAINS_TOKEN": {
      // Tokens are whitespace-separated words; `*` is a wildcard (`*@acme.com`).
      const pattern = `% ${escapeLike(String(needValue(f, "value")).toLowerCase()).replace(/\*/g, "%")} %`;
      return within(sql`(' ' || v.value_text || ' ') like ${pattern} escape '\\'`, op === "NOT_CONTAINS_TOKEN");
    }
    case "NEQ":
      return within(sql`${col} = ${toValue(needValue(f, "value"))}`, true);
    case "NOT_IN":
      return within(sql`${col} in (${sql.join(needValues(f).map(toValue))})`, true);
    default:
      return within(compare(col, op, f, toValue), false, op === "EQ" || op === "IN");
  }
}

function compare(
  col: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
  op: Operator,
  f: Filter,
  toValue: (raw: unknown) => string | number,
): RawBuilder<unknown> {
  switch (op) {
    case "EQ":
      return sql`${col} = ${toValue(needValue(f, "value"))}`;
    case "NEQ":
      return sql`${col} <> ${toValue(needValue(f, "value"))}`;
    case "LT":
      return sql`${col} < ${toValue(needValue(f, "value"))}`;
    case "LTE":
      return sql`${col} <= ${toValue(needValue(f, "value"))}`;
    case "GT":
      return sql`${col} > ${toValue(needValue(f, "value"))}`;
    case "GTE":
      return sql`${col} >= ${toValue(needValue(f, "value"))}`;
    case "BETWEEN":
      return sql`${col} between ${toValue(needValue(f, "value"))} and ${toValue(needValue(f, "highValue"))}`;
    case "IN":
      // Each distinct value once: a probe seeks the value index once per value (`IN ["lead", "lead"]` sought twice).
      return sql`${col} in (${sql.join([...new Set(needValues(f).map(toValue))])})`;
    case "NOT_IN":
      return sql`${col} not in (${sql.join(needValues(f).map(toValue))})`;
    default:
      throw bad(`Operator ${op} does not apply to ${f.propertyName}.`, "INVALID_OPERATOR");
  }
}

/** The values an EQ or IN filter asks for. */
const askedValues = (f: Filter) => (f.operator === "EQ" ? [needValue(f, "value")] : needValues(f));

/** Property names a JSON path or key can hold as written (custom names are letters, digits and underscores). */
const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

/**
 * A text EQ or IN asked of a record `o` already joined, from its stored `properties` (the JSON the record is read
 * from) instead of the value index: a probe of the index reads pages the record's row does not, and at a million
 * contacts those reads were most of a selective search (SQLite: about 1,900 of its 3,100 page faults when its
 * mapping had been dropped; PostgreSQL: half the page reads). It answers exactly what the probe does: the index holds
 * `value.toLowerCase().slice(0, 600)` of the same value (property-values.ts indexValue, written with the JSON by
 * every write), and for a value of printable ASCII characters only, SQL folds case as JavaScript does (A–Z, by
 * `translate` on PostgreSQL, whose `lower` follows the database's locale). Any other value, or none, is probed.
 */
function rowCheck(ctx: Ctx, name: string, values: Array<string | number>, probe: RawBuilder<unknown>): RawBuilder<unknown> | undefined {
  if (!PLAIN_NAME.test(name)) return undefined;
  const wanted = sql.join([...new Set(values)]);
  if (ctx.sqlite) {
    const v = sql`json_extract(o.properties, ${`$."${name}"`})`;
    return sql`(case when ${v} not glob '*[^ -~]*' then substr(lower(${v}), 1, 600) in (${wanted}) else ${probe} end)`;
  }
  // The JSON is parsed once per record (a subquery names the value): a CASE naming the extraction twice parsed it twice.
  return sql`(select case when x.v ~ '^[ -~]*$' then substr(translate(x.v, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), 1, 600) in (${wanted}) else ${probe} end from (select o.properties::json ->> cast(${name} as text) as v) x)`;
}

/** `associations.contact EQ 51`: records associated with that contact. */
function associationCondition(ctx: Ctx, f: Filter): Condition {
  const target = findObjectType(f.propertyName.slice("associations.".length));
  if (!target)
    throw bad(`Unable to search on ${f.propertyName}: unknown object type.`, "PROPERTY_DOESNT_EXIST", { propertyName: [f.propertyName] });
  if (f.operator !== "EQ" && f.operator !== "IN")
    throw bad(`Operator ${f.operator} does not apply to ${f.propertyName}: use EQ or IN.`, "INVALID_OPERATOR");
  const ids = (f.operator === "EQ" ? [needValue(f, "value")] : needValues(f)).map((v) => {
    if (!/^\d{1,15}$/.test(String(v)))
      throw bad(`Filter on ${f.propertyName}: ${JSON.stringify(v)} is not a record id.`, "INVALID_FILTER_VALUE");
    return Number(v);
  });
  return {
    ids: sql`select a.to_id from crm_associations a where a.account_id = ${ctx.accountId} and a.from_type = ${target.id} and a.from_id in (${sql.join(ids)}) and a.to_type = ${ctx.t.id}`,
    negate: false,
  };
}

function queryCondition(ctx: Ctx, query: string): RawBuilder<unknown>[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  const names = ctx.t.searchableProperties;
  return words.map((w) => {
    const prefix = `${escapeLike(w)}%`;
    return sql`o.id in (select v.object_id from crm_property_values v where v.account_id = ${ctx.accountId} and v.object_type_id = ${ctx.t.id} and v.name in (${sql.join([...names])}) and (v.value_text like ${prefix} escape '\\' or v.value_text like ${`% ${prefix}`} escape '\\' or v.value_text like ${`%@${prefix}`} escape '\\'))`;
  });
}

/** A sort on a crm_objects column, which an index of crm_objects gives in order. */
interface SortColumn {
  ref: RawBuilder<unknown>;
  descending: boolean;
}

/** The ORDER BY, and its column when it is on a crm_objects column. */
function orderBy(ctx: Ctx, sorts: SearchRequest["sorts"]): { order: RawBuilder<unknown>; column: SortColumn | undefined } {
  if (sorts.length > 1) throw bad("Only one sort is allowed.", "TOO_MANY_SORTS");
  const s = sorts[0];
  if (!s) return { order: sql`o.id asc`, column: { ref: sql`o.id`, descending: false } };
  const { propertyName, direction } = typeof s === "string" ? parseSortString(s) : s;
  const dir = sql.raw(direction === "DESCENDING" ? "desc" : "asc");
  const column = columnOf(ctx.t, propertyName);
  if (column)
    return { order: sql`${sql.ref(column)} ${dir}, o.id asc`, column: { ref: sql.ref(column), descending: direction === "DESCENDING" } };
  const def = ctx.defs.get(propertyName);
  if (!def)
    throw bad(`Unable to sort on property ${propertyName}: it does not exist on ${ctx.t.name}.`, "PROPERTY_DOESNT_EXIST", {
      propertyName: [propertyName],
    });
  const col = sql.ref(isNumericType(def) ? "s.value_num" : "s.value_text");
  return {
    order: sql`(select ${col} from crm_property_values s where s.object_id = o.id and s.name = ${propertyName}) ${dir} nulls last, o.id asc`,
    column: undefined,
  };
}

/** The SDK types sorts as strings: "createdate" or "-createdate" (descending). */
function parseSortString(s: string): { propertyName: string; direction: "ASCENDING" | "DESCENDING" } {
  return s.startsWith("-") ? { propertyName: s.slice(1), direction: "DESCENDING" } : { propertyName: s, direction: "ASCENDING" };
}

export interface SearchResult {
  total: number;
  objects: StoredObject[];
  offset: number;
  limit: number;
}

export function parseSearch(body: unknown): SearchRequest {
  const req = parseBody(searchRequest, absentAs(body, {}), "PublicObjectSearchRequest");
  const filters = req.filterGroups.reduce((n, g) => n + g.filters.length, 0);
  if (req.filterGroups.length > SEARCH_LIMITS.groups)
    throw bad(`Too many filter groups: ${req.filterGroups.length}; at most ${SEARCH_LIMITS.groups} are allowed.`, "TOO_MANY_FILTER_GROUPS");
  const crowded = req.filterGroups.find((g) => g.filters.length > SEARCH_LIMITS.filtersPerGroup);
  if (crowded)
    throw bad(
      `Too many filters in a group: ${crowded.filters.length}; at most ${SEARCH_LIMITS.filtersPerGroup} are allowed per group.`,
      "TOO_MANY_FILTERS",
    );
  if (filters > SEARCH_LIMITS.filters)
    throw bad(`Too many filters: ${filters}; at most ${SEARCH_LIMITS.filters} are allowed across all groups.`, "TOO_MANY_FILTERS");
  const crammed = req.filterGroups.flatMap((g) => g.filters).find((f) => (f.values?.length ?? 0) > SEARCH_LIMITS.valuesPerFilter);
  if (crammed) {
    throw bad(
      `Too many values in the ${crammed.operator} filter on ${crammed.propertyName}: ${crammed.values!.length}; at most ${SEARCH_LIMITS.valuesPerFilter} are allowed per filter.`,
      "TOO_MANY_FILTER_VALUES",
      { propertyName: [crammed.propertyName] },
    );
  }
  if (req.limit < 1 || req.limit > SEARCH_LIMITS.pageSize)
    throw bad(`limit must be between 1 and ${SEARCH_LIMITS.pageSize} (got ${req.limit}).`, "INVALID_LIMIT");
  if (req.query !== undefined && req.query.length > SEARCH_LIMITS.queryLength)
    throw bad(`query is longer than ${SEARCH_LIMITS.queryLength} characters.`, "QUERY_TOO_LONG");
  return req;
}

/**
 * A walk in sort order reads at most this many records per record of the page (and at least WALK_MIN): a match rate
 * under 1 in 20 is better served from the start set, to which a short walk falls back.
 */
const WALK_FACTOR = 20;
const WALK_MIN = 5000;

/**
 * Up to this many index entries are read to size a filter's matches when choosing where a search starts. A filter
 * matching fewer is a start set small enough to read whole; when all match more, the search walks the sort's index.
 * At 2,000 a rare lastname of a million contacts (2,000 ± 45 matches) walked half the time, 5,000 records for none.
 */
const SIZE_PROBE = 5000;

type Row = Parameters<typeof decodeRow>[0];
const SELECT = sql`select o.id, o.object_type_id, o.archived, o.created_at, o.updated_at, o.archived_at, o.properties`;

/** Runs a search: groups ORed, filters ANDed, over live records only; exact total plus one page at an offset. */
export async function runSearch(db: Kysely<Database>, given: Ctx, req: SearchRequest): Promise<SearchResult> {
  const ctx = { ...given, sqlite: !(db.getExecutor().adapter instanceof PostgresAdapter) };
  const afterRaw = req.after === undefined || req.after === null || req.after === "" ? "0" : String(req.after);
  if (!/^\d{1,9}$/.test(afterRaw))
    throw bad(`Invalid after=${JSON.stringify(req.after)}: pass back paging.next.after from a previous page.`, "INVALID_PAGING_CURSOR");
  const offset = Number(afterRaw);
  if (offset + req.limit > SEARCH_LIMITS.results) {
    throw bad(
      `Search results are capped at ${SEARCH_LIMITS.results}: after (${offset}) + limit (${req.limit}) goes past it. Narrow the filters instead.`,
      "RESULT_LIMIT_EXCEEDED",
    );
  }
  const live = [sql`o.account_id = ${ctx.accountId}`, sql`o.object_type_id = ${ctx.t.id}`, sql`o.archived = 0`];
  const { order, column } = orderBy(ctx, req.sorts);
  const filled = req.filterGroups.filter((g) => g.filters.length > 0);
  const conds = filled.length === 1 ? filled[0]!.filters.map((f) => condition(ctx, f)) : undefined;
  const text = req.query !== undefined && req.query.trim() !== "";
  if (ctx.index && !text && filled.length <= 1) {
    const query = indexQuery(ctx, filled[0]?.filters ?? [], req.sorts, offset, req.limit);
    const found = query && (await fromIndex(db, ctx, ctx.index, query));
    if (found) return found;
  }
  const simple = !text && filled.length <= 1 && (conds ?? []).every((c) => "where" in c || (!c.negate && c.probe !== undefined));
  const planned = (on: Kysely<Database>) => sqlSearch(on, ctx, req, { offset, live, order, column, filled, conds, simple });
  // On PostgreSQL the plan's statements (the sizing, the page, the walk's fallback, the count) share one connection
  // taken once: each take of the pool is a wait in its queue behind every other request's, and under load that wait,
  // not the statements, was most of a search's time. Inside a transaction the connection is already the caller's.
  return ctx.sqlite || db.isTransaction ? planned(db) : db.connection().execute(planned);
}

/** The SQL plan of runSearch, every statement on `db` (one connection on PostgreSQL). */
async function sqlSearch(
  db: Kysely<Database>,
  ctx: Ctx & { sqlite: boolean },
  req: SearchRequest,
  {
    offset,
    live,
    order,
    column,
    filled,
    conds,
    simple,
  }: {
    offset: number;
    live: RawBuilder<unknown>[];
    order: RawBuilder<unknown>;
    column: SortColumn | undefined;
    filled: SearchRequest["filterGroups"];
    conds: Condition[] | undefined;
    simple: boolean;
  },
): Promise<SearchResult> {
  const sets = (conds ?? []).flatMap((c) => ("ids" in c ? [c] : []));
  if (!ctx.sqlite && simple && sets.length === 1) {
    // One filter's set (beside any column conditions): planSimple's size check and the page it then chooses for a set
    // under SIZE_PROBE, as one statement, the page gated on the size (an InitPlan: a broad set's page is not read).
    // No rows (a broad set, no matches, an offset past them) and the plan below answers as before.
    const wheres = (conds ?? []).flatMap((c) => ("where" in c ? [c.where] : []));
    const size = sql`(select count(*) from (${sets[0]!.ids} limit ${SIZE_PROBE}) x)`;
    const rows = await sql<
      Row & { matches: number | string; sized: number | string }
    >`${SELECT}, count(*) over () as matches, ${size} as sized from (${sets[0]!.ids}) d join crm_objects o on o.id = d.object_id where ${sql.join(
      [...live, ...wheres, sql`${size} < ${SIZE_PROBE}`],
      sql` and `,
    )} order by ${order} limit ${req.limit} offset ${offset}`.execute(db);
    const first = rows.rows[0];
    if (first) {
      const total = Number(wheres.length === 0 ? first.sized : first.matches);
      return { total, objects: rows.rows.map(decodeRow), offset, limit: req.limit };
    }
  }
  const plan = simple
    ? await planSimple(db, conds ?? [], live, column !== undefined)
    : {
        from: sql`crm_objects o`,
        where: genericWhere(ctx, req, filled, live),
        total: undefined,
        walk: undefined,
        count: undefined,
        counted: false,
      };
  const page = (from: RawBuilder<unknown>, where: RawBuilder<unknown>, counted = false) =>
    sql<
      Row & { matches?: number | string }
    >`${SELECT}${counted ? sql`, count(*) over () as matches` : sql``} from ${from} where ${where} order by ${order} limit ${req.limit} offset ${offset}`.execute(
      db,
    );
  let rows =
    plan.walk && column
      ? await page(
          sql`crm_objects o`,
          sql`${plan.walk.live} and ${stretch(column, plan.walk.live, order, offset + req.limit)} and ${plan.walk.probes}`,
        )
      : undefined;
  // A walk that found less than a page may have stopped short: the start set answers for sure.
  if (!rows || rows.rows.length < req.limit) rows = await page(plan.from, plan.where, plan.counted);
  const objects = rows.rows.map(decodeRow);
  const counted = rows.rows[0]?.matches;
  const total =
    plan.total ?? (counted !== undefined ? Number(counted) : await countMatches(db, plan.count ?? plan, objects.length, offset, req.limit));
  return { total, objects, offset, limit: req.limit };
}

/**
 * The records a walk may read: up to the WALK_FACTOR × (offset + limit)-th in sort order (ties with it included), a
 * prefix of the order, as a range of the sort column's index. The page query walks that index in order and stops at
 * the page's last match, probing only the records it passes (a LIMIT on a subquery made it probe the whole stretch).
 */
function stretch(column: SortColumn, live: RawBuilder<unknown>, order: RawBuilder<unknown>, upTo: number): RawBuilder<unknown> {
  const edge = sql`(select ${column.ref} from crm_objects o where ${live} order by ${order} limit 1 offset ${Math.max(WALK_MIN, WALK_FACTOR * upTo) - 1})`;
  return column.descending
    ? sql`${column.ref} >= coalesce(${edge}, ${Number.MIN_SAFE_INTEGER})`
    : sql`${column.ref} <= coalesce(${edge}, ${Number.MAX_SAFE_INTEGER})`;
}

/**
 * The exact total, as HubSpot's search gives it (clients show it as the record count): a short last page tells it
 * without counting; otherwise one count over the matches.
 */
async function countMatches(
  db: Kysely<Database>,
  { from, where }: { from: RawBuilder<unknown>; where: RawBuilder<unknown> },
  shown: number,
  offset: number,
  limit: number,
): Promise<number> {
  if (shown < limit && (shown > 0 || offset === 0)) return offset + shown;
  const count = await sql<{ n: number }>`select count(*) as n from ${from} where ${where}`.execute(db);
  return Number(count.rows[0]?.n ?? 0);
}

/** Any search: each group's filters as intersected id sets (see groupCondition), groups ORed, text query words ANDed. */
function genericWhere(
  ctx: Ctx,
  req: SearchRequest,
  filled: SearchRequest["filterGroups"],
  live: RawBuilder<unknown>[],
): RawBuilder<unknown> {
  const groups = filled.map((g) => groupCondition(ctx, g.filters));
  const parts = [...live];
  if (groups.length > 0) parts.push(sql`(${sql.join(groups, sql` or `)})`);
  if (req.query && req.query.trim() !== "") parts.push(...queryCondition(ctx, req.query));
  return sql.join(parts, sql` and `);
}

/**
 * One group of value filters (no negation, no association, no text query): the search starts from the filter with
 * the fewest matches and asks the others of each of its records (from the record's row where rowCheck can, else by
 * primary key), so it reads about as many index entries as that filter matches, not the sum of all (intersecting `lifecyclestage IN (2 of 4)` with a rare
 * lastname read half the index); that page counts the total as it sorts. When every filter matches more than
 * SIZE_PROBE records and the sort is a column, it walks that column's index in order (a bounded stretch of it) instead
 * and stops at the page's end: the first 100 of 125,000 matches are found in the first thousand records; the total
 * is then counted from the filters' whole sets.
 */
async function planSimple(
  db: Kysely<Database>,
  conds: Condition[],
  live: RawBuilder<unknown>[],
  byColumn: boolean,
): Promise<{
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
  total: number | undefined;
  walk: { live: RawBuilder<unknown>; probes: RawBuilder<unknown> } | undefined;
  count: { from: RawBuilder<unknown>; where: RawBuilder<unknown> } | undefined;
  /** The start-set page counts its matches as it sorts them (`count(*) over ()`): no second pass for the total. */
  counted: boolean;
}> {
  const wheres = conds.flatMap((c) => ("where" in c ? [c.where] : []));
  const sets = conds.flatMap((c) => ("ids" in c ? [{ ids: c.ids, probe: c.probe!, check: c.check }] : []));
  const all = sql.join([...live, ...wheres], sql` and `);
  if (sets.length === 0)
    return { from: sql`crm_objects o`, where: all, total: undefined, walk: undefined, count: undefined, counted: false };
  const sized = await sql<Record<string, number>>`select ${sql.join(
    sets.map((s, i) => sql`(select count(*) from (${s.ids} limit ${SIZE_PROBE}) x) as ${sql.ref(`n${i}`)}`),
  )}`.execute(db);
  // Smallest first: the start set, then the probes in the order most likely to turn a record down.
  const bySize = sets.map((set, i) => ({ ...set, size: Number(sized.rows[0]?.[`n${i}`] ?? 0) })).sort((a, b) => a.size - b.size);
  const start = bySize[0]!;
  const others = bySize.slice(1);
  const broad = start.size >= SIZE_PROBE;
  // The start set is joined, not `o.id in (…)`: SQLite keeps a CROSS JOIN's order, so it cannot choose to walk the
  // sort's index past a million records for the few hundred this set holds; PostgreSQL orders joins by cost.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const join = postgres ? sql`join` : sql`cross join`;
  const o = sql.ref("o.id");
  const d = sql.ref("d.object_id");
  // A filter asked of a record whose row is read anyway: from the row where it can be (rowCheck), else probed.
  const onRow = (s: (typeof sets)[number]) => s.check ?? s.probe(o);
  // Broad sets are counted whole, each read once in index order: a million contacts' 250,000 leads probed one by one
  // for a score cost more than reading both sets. SQLite merges them (INTERSECT sorts one side and walks both);
  // PostgreSQL hashes one and joins the other (its INTERSECT hashes both, slower there).
  const whole = postgres
    ? sql`(${start.ids}) d ${sql.join(
        others.map((s, i) => sql`join (${s.ids}) ${sql.ref(`d${i}`)} on ${sql.ref(`d${i}.object_id`)} = d.object_id`),
        sql` `,
      )}`
    : sql`(${sql.join(
        bySize.map((s) => s.ids),
        sql` intersect `,
      )}) d`;
  return {
    from: sql`(${start.ids}) d ${join} crm_objects o on o.id = d.object_id`,
    where: sql.join([...live, ...wheres, ...others.map(onRow)], sql` and `),
    // One filter matching fewer than SIZE_PROBE: its size is the total (the index holds live records only).
    total: sets.length === 1 && wheres.length === 0 && !broad ? start.size : undefined,
    walk:
      broad && byColumn
        ? {
            live: all,
            probes: sql.join(bySize.map(onRow), sql` and `),
          }
        : undefined,
    // Counting needs no crm_objects row when no filter is on its columns: the index holds live records only, and
    // those lookups were half a broad count's time.
    count:
      wheres.length > 0
        ? undefined
        : broad && others.length > 0
          ? { from: whole, where: sql`1 = 1` }
          : { from: sql`(${start.ids}) d`, where: sql.join([sql`1 = 1`, ...others.map((s) => s.probe(d))], sql` and `) },
    // A page from a small start set reads every match to sort them; a broad one's window would hold them all.
    counted: !broad,
  };
}

/** The crm_objects column behind a property a search may filter or sort on (columnOf's, by name). */
function indexColumn(t: ObjectType, name: string): IndexColumn | undefined {
  const column = columnOf(t, name);
  return column === undefined ? undefined : (column.slice(2) as IndexColumn);
}

/**
 * The search as the in-memory index asks it, or undefined where the index does not answer (associations, tokens, a
 * text range, whose order is the database's collation, a sort on a property). Values are converted as the SQL plan
 * converts them, after runSearch has checked the filters (condition, orderBy), so the errors are the plan's.
 */
function indexQuery(ctx: Ctx, filters: Filter[], sorts: SearchRequest["sorts"], offset: number, limit: number): IndexQuery | undefined {
  const terms: Term[] = [];
  for (const f of filters) {
    const term = indexTerm(ctx, f);
    if (!term) return undefined;
    terms.push(term);
  }
  const s = sorts[0];
  if (!s) return { terms, sort: { column: "id", descending: false }, offset, limit };
  const { propertyName, direction } = typeof s === "string" ? parseSortString(s) : s;
  const column = indexColumn(ctx.t, propertyName);
  return column && { terms, sort: { column, descending: direction === "DESCENDING" }, offset, limit };
}

function indexTerm(ctx: Ctx, f: Filter): Term | undefined {
  if (f.propertyName.startsWith("associations.")) return undefined;
  const column = indexColumn(ctx.t, f.propertyName);
  const def = ctx.defs.get(f.propertyName);
  const numeric = column !== undefined || (def !== undefined && isNumericType(def));
  const toValue = (raw: unknown) => (numeric ? numberOf(f, raw, def) : String(raw).toLowerCase());
  const on: Term["on"] = column ? { column } : { name: f.propertyName, numeric };
  const range = (low: number, lowInclusive: boolean, high: number, highInclusive: boolean): Term | undefined =>
    numeric ? { on, test: { kind: "range", low, lowInclusive, high, highInclusive }, negate: false } : undefined;
  const value = () => toValue(needValue(f, "value")) as number;
  const values = () => [...new Set(needValues(f).map(toValue))];
  switch (f.operator) {
    case "HAS_PROPERTY":
    case "NOT_HAS_PROPERTY":
      return { on, test: { kind: "all" }, negate: f.operator === "NOT_HAS_PROPERTY" };
    case "EQ":
    case "NEQ":
      return { on, test: { kind: "in", values: [toValue(needValue(f, "value"))] }, negate: f.operator === "NEQ" };
    case "IN":
    case "NOT_IN":
      return { on, test: { kind: "in", values: values() }, negate: f.operator === "NOT_IN" };
    case "LT":
      return range(-Infinity, false, value(), false);
    case "LTE":
      return range(-Infinity, false, value(), true);
    case "GT":
      return range(value(), false, Infinity, false);
    case "GTE":
      return range(value(), true, Infinity, false);
    case "BETWEEN":
      return range(value(), true, toValue(needValue(f, "highValue")) as number, true);
    default:
      return undefined;
  }
}

/**
 * The index's answer with its page's records read by id. A record changed since the index's snapshot (a write not yet
 * acknowledged: its `updated_at` moved, or it is archived or gone) sends the search to the SQL plan, so a page never
 * shows a record's new values beside its old match.
 */
async function fromIndex(db: Kysely<Database>, ctx: Ctx, index: SearchIndex, query: IndexQuery): Promise<SearchResult | undefined> {
  const found = await index.search(ctx.accountId, ctx.t.id, query);
  if (!found) return undefined;
  const result = { total: found.total, offset: query.offset, limit: query.limit };
  if (found.ids.length === 0) return { ...result, objects: [] };
  const rows =
    await sql<Row>`${SELECT} from crm_objects o where o.account_id = ${ctx.accountId} and o.object_type_id = ${ctx.t.id} and o.archived = 0 and o.id in (${sql.join(found.ids)})`.execute(
      db,
    );
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]));
  const objects: StoredObject[] = [];
  for (const [i, id] of found.ids.entries()) {
    const row = byId.get(id);
    if (!row || Number(row.updated_at) !== found.updatedAt[i]) return undefined;
    objects.push(decodeRow(row));
  }
  return { ...result, objects };
}
