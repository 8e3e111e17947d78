// The bench's data set (bench/logs/run.ts): API calls and function runs generated inside the database.
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import type pg from "pg";
import { logsFileOf } from "../../packages/server/src/store/sqlite-connection";

export const DAYS = 5;
export const DAY_MS = 86_400_000;
const APPS = 1000;
const ACCOUNTS = 200;

/** Statuses as a CRM integration sees them: mostly 200, a few per cent of 4xx, rare 5xx, no 3xx at all. */
const STATUSES: Array<[number, number]> = [
  [200, 0.85],
  [201, 0.06],
  [204, 0.01],
  [400, 0.02],
  [401, 0.005],
  [403, 0.003],
  [404, 0.03],
  [409, 0.002],
  [429, 0.01],
  [500, 0.007],
  [502, 0.003],
];
const METHODS: Array<[string, number]> = [
  ["GET", 0.7],
  ["POST", 0.2],
  ["PATCH", 0.07],
  ["DELETE", 0.03],
];
const PATHS = [
  "/crm/v3/objects/contacts",
  "/crm/v3/objects/contacts/search",
  "/crm/v3/objects/companies",
  "/crm/v3/objects/deals",
  "/crm/v3/objects/deals/batch/read",
  "/crm/v4/associations/contacts/companies/batch/read",
  "/crm/v3/properties/contacts",
  "/crm/v3/objects/tickets",
];
export interface Target {
  accountId: number;
  appId: number;
  /** The seeded window: [start, start + DAYS days). */
  start: number;
}

const API_COLUMNS =
  "account_id, app_id, token_id, method, path, query, status, duration_ms, user_agent, address, trace_id, span_id, parent_span_id, request_headers, request_body, response_body, created_at";
const RUN_COLUMNS =
  "account_id, app_id, build_id, function_name, outcome, duration_ms, peak_rss_bytes, logs, error_type, error_message, error_stack, trace_id, span_id, parent_span_id, invoker_user_id, invoker_label, created_at";

/** What differs between the engines in generating rows inside the database. */
const DIALECT = {
  sqlite: {
    series: (first: number, last: number) =>
      `(with recursive s(i) as (select ${first} union all select i + 1 from s where i < ${last}) select i from s) as g`,
    uniform: "((random() & 4294967295) / 4294967296.0)",
    hex32: "lower(hex(randomblob(16)))",
    timeHex: (at: string) => `printf('%012x', ${at})`,
    int: (x: string) => `cast(${x} as integer)`,
  },
  postgres: {
    series: (first: number, last: number) => `generate_series(${first}, ${last}) as g(i)`,
    uniform: "random()",
    hex32: "md5(random()::text)",
    timeHex: (at: string) => `lpad(to_hex(${at}), 12, '0')`,
    int: (x: string) => `floor(${x})::bigint`,
  },
};

/**
 * The statements seeding events [first, last] of `events`, generated inside the database (a million rows from
 * JavaScript through the driver took 86 s on SQLite here). Event i is at start + i/events of the window; its app is
 * log-uniform over the APPS apps (app k's share near 1/(k+1): the first, the server's real app measured, about a
 * tenth); the other apps stand for other tenants (ids from 1,000,000, 200 accounts). Every tenth event is a call
 * from a function run, stored in the same trace. A trace id is the time in hex, then random digits (trace-context.ts).
 * One INSERT … SELECT of the chunk's calls, then one of its runs, read back from the calls above `afterId`.
 */
function seedStatements(engine: "sqlite" | "postgres", t: Target, first: number, last: number, events: number, afterId: number): string[] {
  const d = DIALECT[engine];
  const cases = <T>(table: Array<[T, number]>, u: string, quote: (v: T) => string) => {
    let acc = 0;
    return `case ${table.map(([v, share]) => `when ${u} < ${(acc += share)} then ${quote(v)}`).join(" ")} else ${quote(table[0]![0])} end`;
  };
  const k = `${d.int(`exp(u_a * ln(${APPS + 1}))`)} - 1`;
  const at = `${t.start} + ${d.int(`i * ${DAYS * DAY_MS}.0 / ${events}`)}`;
  // The draws are materialized first: SQLite flattens subqueries, and a random() referred to twice would be drawn twice.
  return [
    `insert into api_calls (${API_COLUMNS})
     with draws as materialized (
       select i, ${d.uniform} as u_a, ${d.uniform} as u_s, ${d.uniform} as u_m, ${d.uniform} as u_p, ${d.hex32} as h
       from ${d.series(first, last)}
     ),
     seed as materialized (
       select i, ${at} as at,
              case when k = 0 then ${t.accountId} else ${1_000_000} + k % ${ACCOUNTS} end as account_id,
              case when k = 0 then ${t.appId} else ${1_000_000} + k end as app_id,
              ${cases(STATUSES, "u_s", String)} as status,
              ${cases(METHODS, "u_m", (m) => `'${m}'`)} as method,
              ${cases(
                PATHS.map((p): [string, number] => [p, 1 / PATHS.length]),
                "u_p",
                (p) => `'${p}'`,
              )} as path,
              h
       from (select i, case when ${k} > ${APPS - 1} then ${APPS - 1} else ${k} end as k, u_s, u_m, u_p, h from draws) a
     )
     select account_id, app_id, 1, method, path, case when i % 3 = 0 then 'limit=10' else '' end, status,
            5 + ${d.uniform} * 60, '@hubspot/api-client', '10.0.0.7', ${d.timeHex("at")} || substr(h, 1, 20), substr(h, 17, 16),
            case when i % 10 = 0 then substr(h, 1, 16) end,
            case when status >= 400 then '{"content-type":"application/json"}' end, null,
            case when status >= 400 then '{"status":"error","message":"failed with ' || status || '"}' end, at
     from seed order by i`,
    // A call made from a run has the run's span as its parent.
    `insert into function_runs (${RUN_COLUMNS})
     select account_id, app_id, 1, 'get-data', 'SUCCESS', 80, 50000000, '[]', null, null, null,
            trace_id, parent_span_id, null, 1, 'card', created_at - 5
     from api_calls where id > ${afterId} and parent_span_id is not null order by id`,
  ];
}

const SEED_CHUNK = 1_000_000;
const SEEDED = "('api_calls', 'function_runs')";

/**
 * SQLite: through a connection of its own (the server's idles meanwhile), one transaction per million events. The
 * tables' secondary indexes and triggers (the path index's, migration 019) are dropped first and made again after
 * from their own stored definitions, so they are the migrations' exactly: an index built once, sorted, costs a
 * fraction of a row-by-row insert into it (the random trace ids above all), and the trigram index is rebuilt in one
 * pass.
 */
export function seedSqlite(file: string, t: Target, events: number) {
  // The log tables live in the store's log file (migration 020), which the server's connections attach.
  const db = new SQLite(logsFileOf(file));
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -524288");
  db.pragma("temp_store = MEMORY");
  db.pragma("busy_timeout = 30000");
  const saved = db
    .prepare(`select type, name, sql from sqlite_master where tbl_name in ${SEEDED} and type in ('index', 'trigger') and sql is not null`)
    .all() as Array<{ type: string; name: string; sql: string }>;
  for (const { type, name } of saved) db.exec(`drop ${type} ${name}`);
  const maxId = () => Number((db.prepare("select coalesce(max(id), 0) as n from api_calls").get() as { n: number }).n);
  for (let first = 0; first < events; first += SEED_CHUNK) {
    const statements = seedStatements("sqlite", t, first, Math.min(events, first + SEED_CHUNK) - 1, events, maxId());
    db.transaction(() => statements.forEach((statement) => db.exec(statement)))();
  }
  const rowsDone = performance.now();
  // The sorter spills to temporary files rather than holding an index's worth of keys in memory; two threads sort.
  db.pragma("temp_store = FILE");
  db.pragma("threads = 2");
  for (const { sql } of saved.filter((s) => s.type === "index")) db.exec(sql);
  // The rebuild migration 019 runs: the trigram index of every stored path, from api_calls.
  db.exec("insert into api_calls_path(api_calls_path) values ('rebuild')");
  for (const { sql } of saved.filter((s) => s.type === "trigger")) db.exec(sql);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return (performance.now() - rowsDone) / 1000;
}

/** PostgreSQL: the same, the indexes made again from pg_indexes' definitions with memory enough to sort in one go. */
export async function seedPostgres(client: pg.Client, t: Target, events: number) {
  const { rows: saved } = await client.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where tablename in ${SEEDED} and indexname not in (select conname from pg_constraint)`,
  );
  for (const { name } of saved) await client.query(`drop index ${name}`);
  await client.query("set synchronous_commit = off");
  for (let first = 0; first < events; first += SEED_CHUNK) {
    const { rows } = await client.query<{ n: string }>("select coalesce(max(id), 0) as n from api_calls");
    for (const statement of seedStatements("postgres", t, first, Math.min(events, first + SEED_CHUNK) - 1, events, Number(rows[0]!.n)))
      await client.query(statement);
  }
  const rowsDone = performance.now();
  await client.query("set maintenance_work_mem = '1GB'");
  for (const { definition } of saved) await client.query(definition);
  await client.query("vacuum analyze api_calls");
  await client.query("vacuum analyze function_runs");
  return (performance.now() - rowsDone) / 1000;
}
