import { sql, type Kysely, type RawBuilder, type Selectable } from "kysely";
import { z } from "zod";
import type { Database } from "../store/schema";
import { invalid, notFound } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { FILTERS_BY_KIND, type LogEvent, type LogKind, type LogPage } from "@sprocket/contract";
import { apiCallView, extensionEventView, functionRunView, securityEventView } from "./log-views";
import { parseTime } from "./time-range";
import { accountsOf, withAccountName, type Scope } from "./app-log-scope";
import { fewPathMatches } from "./path-search";
import type { Engine } from "../store/database";

const listQuery = z
  .object({
    since: z.string().optional(),
    until: z.string().optional(),
    status: z.string().min(1).optional(),
    level: z.enum(["DEBUG", "INFO", "WARN", "ERROR", "debug", "info", "warn", "error"]).optional(),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, "must be an HTTP method")
      .optional(),
    function: z.string().min(1).optional(),
    card: z.string().min(1).optional(),
    q: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z
      .string()
      .regex(/^\d+\.\d+$/, "must be the paging.next.before value of the previous page")
      .optional(),
    account: z
      .string()
      .regex(/^\d{1,15}$/, "must be an account ID")
      .optional(),
    portalId: z.string().optional(),
  })
  .strict();

export interface ListFilter {
  since?: number;
  until?: number;
  status?: string;
  level?: string;
  method?: string;
  function?: string;
  card?: string;
  q?: string;
  /** One account of those the scope reads: an OAuth app's developer narrowing to one install. */
  account?: number;
  limit: number;
  before?: { at: number; id: number };
}

/** Reads and checks the query string of a list route: every filter must apply to the kind listed. */
export function parseListQuery(kind: LogKind, query: unknown, now: number): ListFilter {
  const parsed = parseBody(listQuery, query, `the ${kind} log query`);
  for (const name of ["status", "level", "method", "function", "card", "q"] as const) {
    if (parsed[name] !== undefined && !FILTERS_BY_KIND[kind].includes(name)) {
      throw invalid(`The filter "${name}" does not apply to ${kind} logs; use ${FILTERS_BY_KIND[kind].join(", ")}.`, [
        { message: `${name}: not a ${kind} filter`, in: name },
      ]);
    }
  }
  if (kind === "api-calls" && parsed.status && !/^([1-5]xx|[1-5]\d\d|error|success)$/i.test(parsed.status)) {
    throw invalid(`status for API calls is a code (404), a class (4xx), "error" (400 and up) or "success"; got "${parsed.status}".`, [
      { message: "status: not a status", in: "status" },
    ]);
  }
  if (kind !== "api-calls" && parsed.status && !/^(success|error|[A-Z_]+)$/.test(parsed.status)) {
    throw invalid(`status is "success", "error" or an outcome such as TIMEOUT; got "${parsed.status}".`, [
      { message: "status: not a status", in: "status" },
    ]);
  }
  const [at, id] = parsed.before ? parsed.before.split(".").map(Number) : [];
  return {
    ...(parsed.since ? { since: parseTime(parsed.since, now, "since") } : {}),
    ...(parsed.until ? { until: parseTime(parsed.until, now, "until") } : {}),
    ...(parsed.status ? { status: parsed.status } : {}),
    ...(parsed.level ? { level: parsed.level.toUpperCase() } : {}),
    ...(parsed.method ? { method: parsed.method.toUpperCase() } : {}),
    ...(parsed.function ? { function: parsed.function } : {}),
    ...(parsed.card ? { card: parsed.card } : {}),
    ...(parsed.q ? { q: parsed.q } : {}),
    ...(parsed.account ? { account: Number(parsed.account) } : {}),
    limit: parsed.limit,
    ...(at !== undefined && id !== undefined ? { before: { at, id } } : {}),
  };
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Case-insensitive "contains" on both engines (PostgreSQL's LIKE is case-sensitive, SQLite's is not). */
const contains = (column: string, text: string) => sql<boolean>`lower(${sql.ref(column)}) like lower(${likePattern(text)}) escape '\\'`;

/** Newest first, paged by a (time, id) cursor so that pages stay stable while new events arrive. */
export async function listLogs(db: Kysely<Database>, engine: Engine, kind: LogKind, scope: Scope, f: ListFilter): Promise<LogPage> {
  const table = TABLE_OF[kind];
  const readable = accountsOf(scope, kind);
  const accounts = f.account === undefined ? readable : readable.filter((a) => a === f.account);
  if (accounts.length === 0) {
    throw invalid(`Account ${f.account} has no ${kind} events here: use one of ${readable.join(", ")}.`, [
      { message: "account: not an account of these logs", in: "account" },
    ]);
  }
  // PostgreSQL's planner weighs its trigram index (migration 019) against the (app, time) index itself; SQLite is told.
  const fromPathIndex = kind === "api-calls" && engine === "sqlite" && f.q ? await fewPathMatches(db, f.q) : undefined;
  /** The filter's rows, of the readable accounts unless `anyAccount` (the caller checks the accounts itself). */
  const filtered = (filter: ListFilter, anyAccount = false) => {
    let q = db.selectFrom(table);
    if (!anyAccount) q = q.where("account_id", "in", accounts);
    if (fromPathIndex) {
      // The rows come from the path index by id: `+column` keeps SQLite from walking the (app, time) or time index
      // instead and checking each of the app's calls against the matches (211 ms at 10M for a text nobody calls).
      q = q.where(fromPathIndex);
      if (scope.appId !== undefined) q = q.where(sql<boolean>`+app_id = ${scope.appId}`);
      if (filter.since !== undefined) q = q.where(sql<boolean>`+created_at >= ${filter.since}`);
      if (filter.until !== undefined) q = q.where(sql<boolean>`+created_at < ${filter.until}`);
    } else {
      if (scope.appId !== undefined) q = q.where("app_id", "=", scope.appId);
      if (filter.since !== undefined) q = q.where("created_at", ">=", filter.since);
      if (filter.until !== undefined) q = q.where("created_at", "<", filter.until);
    }
    if (filter.before) {
      const { at, id } = filter.before;
      q = q.where((eb) => eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", id)])]));
    }
    for (const condition of conditions(kind, filter)) q = q.where(condition);
    return q;
  };
  const base = (filter: ListFilter) =>
    filtered(filter)
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(f.limit + 1);
  let rows: Array<Selectable<Database[typeof table]>>;
  if (kind === "api-calls" && scope.appId !== undefined && (f.status !== undefined || f.method !== undefined)) {
    const pairs = await methodStatusPairs(db, scope.appId, f.method, statusRange(f.status));
    if (pairs.length === 0) return { results: [] };
    // Each pair's newest rows come in index order from (app, method, status, time); the first page is the newest of those.
    const { status: _status, method: _method, ...rest } = f;
    const ofPair = (p: { method: string; status: number }, anyAccount = false) =>
      filtered(rest, anyAccount).where("method", "=", p.method).where("status", "=", Number(p.status));
    const newestRows = async () => {
      const members = pairs.map((p) =>
        db
          .selectFrom(
            ofPair(p)
              .selectAll()
              .orderBy("created_at", "desc")
              .orderBy("id", "desc")
              .limit(f.limit + 1)
              .as("pair"),
          )
          .selectAll(),
      );
      const union = members.slice(1).reduce((u, m) => u.unionAll(m), members[0]!);
      return (await db
        .selectFrom(union.as("pairs"))
        .selectAll()
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(f.limit + 1)
        .execute()) as Array<Selectable<Database[typeof table]>>;
    };
    /**
     * SQLite: the pairs' newest (time, id) from the index alone (its entries end with the rowid), then the page's rows
     * by id: about a page of rows read, where newestRows reads a page per pair (28 pairs for status=error, 2,800 cold
     * rows and 177 ms at 50M events). The index has no account: when a row of the page is of an account the scope does
     * not read (an OAuth app's developer filtering by account), newestRows reads the page instead.
     */
    const newestRowsByIndex = async () => {
      const members = pairs.map((p) =>
        db
          .selectFrom(
            ofPair(p, true)
              .select(["id", "created_at"])
              .orderBy("created_at", "desc")
              .orderBy("id", "desc")
              .limit(f.limit + 1)
              .as("pair"),
          )
          .selectAll(),
      );
      const union = members.slice(1).reduce((u, m) => u.unionAll(m), members[0]!);
      const keys = await db
        .selectFrom(union.as("pairs"))
        .select("id")
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(f.limit + 1)
        .execute();
      if (keys.length === 0) return [];
      const found = await db
        .selectFrom("api_calls")
        .selectAll()
        .where(
          "id",
          "in",
          keys.map((k) => k.id),
        )
        .where("account_id", "in", accounts)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      return found.length === keys.length ? (found as Array<Selectable<Database[typeof table]>>) : undefined;
    };
    rows = engine === "sqlite" && !f.q ? ((await newestRowsByIndex()) ?? (await newestRows())) : await newestRows();
  } else {
    rows = (await base(f).execute()) as Array<Selectable<Database[typeof table]>>;
  }
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    results: page.map((r) => withAccountName(scope, viewOf(kind, r, false))),
    ...(rows.length > f.limit && last ? { paging: { next: { before: `${last.created_at}.${last.id}` } } } : {}),
  };
}

/** The statuses a filter of API calls covers, lowest and highest. */
function statusRange(status: string | undefined): [number, number] {
  if (status === undefined) return [0, 999];
  const cls = /^([1-5])xx$/i.exec(status);
  if (cls) return [Number(cls[1]) * 100, Number(cls[1]) * 100 + 99];
  if (status === "error") return [400, 999];
  if (status === "success") return [0, 399];
  return [Number(status), Number(status)];
}

/**
 * The (method, status) pairs an app's API calls have within a status range (of one method, when the filter names
 * one), found by seeking from one to the next in the (app, method, status, time) index: a few dozen probes, whatever
 * the number of calls.
 */
async function methodStatusPairs(
  db: Kysely<Database>,
  appId: number,
  method: string | undefined,
  [low, high]: [number, number],
): Promise<Array<{ method: string; status: number }>> {
  const methods = method
    ? sql`methods(m) as (select cast(${method} as text))`
    : sql`methods(m) as (
        select (select method from api_calls where app_id = ${appId} order by method limit 1)
        union all
        select (select method from api_calls where app_id = ${appId} and method > m order by method limit 1) from methods where m is not null
      )`;
  const { rows } = await sql<{ method: string; status: number }>`
    with recursive ${methods},
    codes(m, s) as (
      select m, (select status from api_calls where app_id = ${appId} and method = m and status >= ${low} and status <= ${high} order by status limit 1)
      from methods where m is not null
      union all
      select m, (select status from api_calls where app_id = ${appId} and method = m and status > s and status <= ${high} order by status limit 1)
      from codes where s is not null
    )
    select m as method, s as status from codes where s is not null`.execute(db);
  return rows;
}

function conditions(kind: LogKind, f: ListFilter): Array<RawBuilder<boolean>> {
  const out: Array<RawBuilder<boolean>> = [];
  const status = f.status;
  if (kind === "api-calls") {
    if (status) {
      const cls = /^([1-5])xx$/i.exec(status);
      if (cls) out.push(sql<boolean>`status >= ${Number(cls[1]) * 100} and status < ${Number(cls[1]) * 100 + 100}`);
      else if (status === "error") out.push(sql<boolean>`status >= 400`);
      else if (status === "success") out.push(sql<boolean>`status < 400`);
      else out.push(sql<boolean>`status = ${Number(status)}`);
    }
    if (f.method) out.push(sql<boolean>`method = ${f.method}`);
    if (f.q) out.push(contains("path", f.q));
  } else if (kind === "functions") {
    if (status === "success") out.push(sql<boolean>`outcome = 'SUCCESS'`);
    else if (status === "error") out.push(sql<boolean>`outcome <> 'SUCCESS'`);
    else if (status) out.push(sql<boolean>`outcome = ${status}`);
    if (f.function) out.push(sql<boolean>`function_name = ${f.function}`);
    if (f.q) out.push(sql<boolean>`(${contains("function_name", f.q)} or ${contains("error_message", f.q)} or ${contains("logs", f.q)})`);
  } else if (kind === "extensions") {
    if (status === "success") out.push(sql<boolean>`kind = 'RENDER_SUCCESS'`);
    else if (status === "error") out.push(sql<boolean>`(kind = 'RENDER_FAILURE' or level = 'ERROR')`);
    else if (status) out.push(sql<boolean>`kind = ${status}`);
    if (f.level) out.push(sql<boolean>`level = ${f.level}`);
    if (f.card) out.push(sql<boolean>`card_uid = ${f.card}`);
    if (f.q) out.push(contains("message", f.q));
  } else if (f.q) {
    out.push(sql<boolean>`(${contains("type", f.q)} or ${contains("actor_label", f.q)})`);
  }
  return out;
}

export const TABLE_OF = {
  "api-calls": "api_calls",
  functions: "function_runs",
  extensions: "extension_events",
  security: "security_events",
} as const satisfies Record<LogKind, keyof Database>;

type AnyLogRow = Selectable<Database[(typeof TABLE_OF)[LogKind]]>;

export function viewOf(kind: LogKind, row: AnyLogRow, detail: boolean): LogEvent {
  switch (kind) {
    case "api-calls":
      return apiCallView(row as Selectable<Database["api_calls"]>, detail);
    case "functions":
      return functionRunView(row as Selectable<Database["function_runs"]>, detail);
    case "extensions":
      return extensionEventView(row as Selectable<Database["extension_events"]>);
    case "security":
      return securityEventView(row as Selectable<Database["security_events"]>);
  }
}

/** One event with everything stored about it (bodies and headers of failed calls, logs and stack of runs). */
export async function getLog(db: Kysely<Database>, kind: LogKind, scope: Scope, id: number): Promise<LogEvent> {
  const row = await db
    .selectFrom(TABLE_OF[kind])
    .selectAll()
    .where("account_id", "in", accountsOf(scope, kind))
    .$if(scope.appId !== undefined, (q) => q.where("app_id", "=", scope.appId!))
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row)
    throw notFound(`No ${kind} log event ${id} ${scope.appId === undefined ? `in account ${scope.accountId}` : `of app ${scope.appId}`}.`);
  return withAccountName(scope, viewOf(kind, row as AnyLogRow, true));
}
