import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlite } from "../src/store/database";
import { migrateToLatest } from "../src/store/migrate";
import { migrations } from "../src/store/migrations";
import { SqliteLogWriter } from "../src/logs/sqlite-log-writer";
import { logsFileOf } from "../src/store/sqlite-connection";

// Migration 020: an install from before it keeps its log rows in the main file; the first start moves them.
let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-log-file-"));
  file = path.join(dir, "sprocket.db");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The layout every install had before migration 020: one file, migrated through 019 by a connection that attaches nothing. */
async function oldInstall(apiCalls: number) {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const before = Object.entries(migrations).filter(([name]) => name < "020");
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(before.map(([n, m]) => [n, m("sqlite")])) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  await db.destroy();
  const raw = new SQLite(file);
  const traced = (i: number) => [`trace${i}`, `span${i}`, 1_000 + i];
  const call =
    raw.prepare(`insert into api_calls (account_id, app_id, token_id, method, path, query, status, duration_ms, trace_id, span_id, created_at)
    values (1, 1, 1, 'GET', ?, '', 200, 1.5, ?, ?, ?)`);
  for (let i = 1; i <= apiCalls; i++) call.run(`/crm/v3/objects/contacts/${i}`, ...traced(i));
  raw
    .prepare(
      `insert into function_runs (account_id, app_id, build_id, function_name, outcome, duration_ms, logs, trace_id, span_id, invoker_label, created_at)
      values (1, 1, 1, 'hello', 'SUCCESS', 3, '[]', ?, ?, 'someone', ?)`,
    )
    .run(...traced(0));
  raw
    .prepare(
      `insert into extension_events (account_id, app_id, card_uid, location, kind, level, message, trace_id, span_id, created_at)
      values (1, 1, 'card', 'crm.record.tab', 'LOG', 'info', 'hi', ?, ?, ?)`,
    )
    .run(...traced(0));
  // Retention deleted the newest call: the next id must still be past it.
  raw.prepare("delete from api_calls where id = ?").run(apiCalls);
  return raw;
}

const count = (db: SQLite.Database, table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const tablesIn = (db: SQLite.Database, schema: string) =>
  (
    db
      .prepare(
        `select name from ${schema}.sqlite_master where type = 'table' and name in ('api_calls', 'function_runs', 'extension_events', 'api_calls_path') order by name`,
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);

describe.skipIf(process.env.SPROCKET_TEST_DB === "postgres")("the log file (migration 020)", () => {
  it("moves an older install's log rows, indexes, path search and id counters into the log file, losing none", async () => {
    const raw = await oldInstall(300);
    raw.close();

    const store = openSqlite(file);
    await migrateToLatest(store);
    await store.close();

    const main = new SQLite(file, { readonly: true });
    expect(tablesIn(main, "main")).toEqual([]);
    main.close();
    const logs = new SQLite(logsFileOf(file));
    expect(tablesIn(logs, "main")).toEqual(["api_calls", "api_calls_path", "extension_events", "function_runs"]);
    expect([count(logs, "api_calls"), count(logs, "function_runs"), count(logs, "extension_events")]).toEqual([299, 1, 1]);
    const indexes = logs
      .prepare("select name from sqlite_master where type = 'index' and name like 'api_calls_%' and sql is not null order by name")
      .all();
    expect(indexes.map((r) => (r as { name: string }).name)).toEqual([
      "api_calls_app_method_status_time",
      "api_calls_app_time",
      "api_calls_time",
      "api_calls_trace",
    ]);
    // The trigram table was rebuilt, and its triggers follow new rows.
    const matching = (pattern: string) =>
      logs.prepare("select count(*) as n from api_calls_path where path like ?").get(pattern) as { n: number };
    expect(matching("%contacts/12%").n).toBe(11);
    const { lastInsertRowid } = logs
      .prepare(
        `insert into api_calls (account_id, app_id, token_id, method, path, query, status, duration_ms, trace_id, span_id, created_at)
        values (1, 1, 1, 'GET', '/crm/v3/objects/deals/7', '', 200, 1, 't', 's', 5)`,
      )
      .run();
    expect(Number(lastInsertRowid)).toBe(301);
    expect(matching("%deals/7%").n).toBe(1);
    logs.close();
  });

  it("copies again over a copy left by a move that stopped before the originals were dropped", async () => {
    const raw = await oldInstall(20);
    // The partial copy: a table of the log file, with a row of its own that is not an original.
    raw.prepare("attach database ? as logs").run(logsFileOf(file));
    raw.exec("create table logs.api_calls (id integer primary key autoincrement, path text)");
    raw.exec("insert into logs.api_calls (path) values ('/partial')");
    raw.close();

    const store = openSqlite(file);
    await migrateToLatest(store);
    await store.close();

    const logs = new SQLite(logsFileOf(file), { readonly: true });
    expect(count(logs, "api_calls")).toBe(19);
    expect(logs.prepare("select count(*) as n from api_calls where path = '/partial'").get()).toEqual({ n: 0 });
    logs.close();
  });

  it("makes the log tables again, empty and as a new install has them, when sprocket.db is restored without the log file", async () => {
    const schemaOf = (logsFile: string) => {
      const logs = new SQLite(logsFile, { readonly: true });
      const rows = logs.prepare("select type, name, sql from sqlite_master order by type, name").all();
      logs.close();
      return rows;
    };
    const fresh = openSqlite(file);
    expect(await migrateToLatest(fresh)).toEqual({ logTablesRecreated: false });
    await fresh.close();
    const newInstall = schemaOf(logsFileOf(file));
    expect(newInstall.length).toBeGreaterThan(4);

    // The restore: the main file comes back, the log file does not.
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${logsFileOf(file)}${suffix}`, { force: true });
    const restored = openSqlite(file);
    expect(await migrateToLatest(restored)).toEqual({ logTablesRecreated: true });
    await restored.close();
    expect(schemaOf(logsFileOf(file))).toEqual(newInstall);

    const writer = new SqliteLogWriter(file);
    const store = openSqlite(file);
    try {
      const [ids] = await writer.write([
        sql`insert into api_calls (account_id, app_id, token_id, method, path, query, status, duration_ms, trace_id, span_id, created_at)
          values (1, 1, 1, 'GET', '/after-restore', '', 200, 1, 't', 's', 5) returning id`.compile(store.db),
      ]);
      expect(ids).toHaveLength(1);
      expect(await migrateToLatest(store)).toEqual({ logTablesRecreated: false });
      const found = await sql<{ n: number }>`select count(*) as n from api_calls_path where path like '%after-restore%'`.execute(store.db);
      expect(found.rows[0]!.n).toBe(1);
    } finally {
      await writer.close();
      await store.close();
    }
  });

  it("has the log writer thread commit to the log file only, so the server's cache of the main file stays valid", async () => {
    const store = openSqlite(file);
    await migrateToLatest(store);
    // data_version changes when another connection commits to that file: the change that makes SQLite drop its cache.
    const version = async (schema: string) =>
      (await sql<{ data_version: number }>`pragma ${sql.raw(schema)}.data_version`.execute(store.db)).rows[0]!.data_version;
    const before = { main: await version("main"), logs: await version("logs") };
    const writer = new SqliteLogWriter(file);
    try {
      const [ids] = await writer.write([
        sql`insert into api_calls (account_id, app_id, token_id, method, path, query, status, duration_ms, trace_id, span_id, created_at)
          values (1, 1, 1, 'GET', '/x', '', 200, 1, 't', 's', 5) returning id`.compile(store.db),
      ]);
      expect(ids).toHaveLength(1);
      expect({ main: await version("main"), logs: await version("logs") }).toEqual({ main: before.main, logs: before.logs + 1 });
    } finally {
      await writer.close();
      await store.close();
    }
  });
});
