import { sql, type CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres, type Store } from "../src/store/database";
import { PgLogWriter } from "../src/logs/pg-log-writer";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { startTestServer, type TestServer } from "./support/test-server";

// The PostgreSQL store's log writer thread (the SQLite one: sqlite-log-writer.test.ts).
let db: TestDatabase;
let store: Store;
const writers: PgLogWriter[] = [];
const writer = () => {
  const w = new PgLogWriter(db.databaseUrl!);
  writers.push(w);
  return w;
};
const insert = (...bodies: string[]): CompiledQuery => ({
  sql: `insert into events (body) values ${bodies.map((_, i) => `($${i + 1})`).join(", ")} returning id`,
  parameters: bodies,
  query: undefined as never,
  queryId: undefined as never,
});
const bodies = async () => (await sql<{ body: string }>`select body from events order by id`.execute(store.db)).rows.map((r) => r.body);
const writerConnections = async () =>
  (
    await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = current_database() and application_name = 'sprocket log writer'`.execute(store.db)
  ).rows.map((r) => r.pid);

describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("the PostgreSQL log writer thread", () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    store = openPostgres(db.databaseUrl!, { pool: 2, statements: 0 });
    await sql`create table events (id bigint generated always as identity primary key, body text not null)`.execute(store.db);
  });

  afterAll(async () => {
    await Promise.all(writers.map((w) => w.close()));
    await store?.close();
    await db?.drop();
  });

  it("runs a batch in one transaction on a connection of its own and answers each statement's ids, in order, as numbers", async () => {
    const w = writer();
    const ids = await w.write([insert("a", "b"), insert("c")]);
    expect(ids.map((x) => x.length)).toEqual([2, 1]);
    expect(ids.flat().every((id) => typeof id === "number")).toBe(true);
    expect(ids.flat()).toEqual([...ids.flat()].sort((x, y) => x - y));
    expect(await bodies()).toEqual(["a", "b", "c"]);
    expect(await writerConnections()).toHaveLength(1);
    // The same statement again is the named one: the same answer shape.
    expect((await w.write([insert("d")]))[0]).toHaveLength(1);
  });

  it("writes nothing of a batch whose statement fails, says why, and keeps writing after it", async () => {
    const w = writer();
    const before = await bodies();
    await expect(
      w.write([insert("kept?"), { ...insert("x"), sql: "insert into nowhere (body) values ($1) returning id" }]),
    ).rejects.toThrow(/Log write failed: relation "nowhere" does not exist/);
    expect(await bodies()).toEqual(before);
    await w.write([insert("after")]);
    expect((await bodies()).at(-1)).toBe("after");
  });

  it("opens a new connection once PostgreSQL ended its own", async () => {
    const w = writer();
    await w.write([insert("first")]);
    // Every writer connection of this database is ended, the earlier tests' writers' too: which one is this writer's
    // cannot be told from pg_stat_activity, whose order is not the connections'.
    const before = new Set(await writerConnections());
    for (const pid of before) await sql`select pg_terminate_backend(${pid})`.execute(store.db);
    // The backends end a moment after the signal; a write sent before that would still be answered.
    await vi.waitFor(async () => expect((await writerConnections()).filter((pid) => before.has(pid))).toEqual([]), { timeout: 10_000 });
    // The write that meets the ended connection may fail (the sink counts its rows as dropped); the next one is written.
    await w.write([insert("lost?")]).catch(() => undefined);
    await w.write([insert("again")]);
    expect((await bodies()).at(-1)).toBe("again");
    expect((await writerConnections()).filter((p) => !before.has(p))).toHaveLength(1);
  });
});

describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("a server on PostgreSQL", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoCrm: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("writes its log rows through the writer thread's connection, not the request pool (issue #24 item 1)", async () => {
    const p = server.platform;
    p.logs.sink.add("function_runs", {
      account_id: 1,
      app_id: 1,
      build_id: 1,
      function_name: "f",
      outcome: "SUCCESS",
      duration_ms: 1,
      logs: "[]",
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      span_id: "b7ad6b7169203331",
      invoker_label: "test",
      created_at: Date.now(),
    });
    await p.logs.flush();
    const rows = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'sprocket log writer'`.execute(
      p.store.db,
    );
    expect(rows.rows[0]!.n).toBe(1);
    expect((await p.store.db.selectFrom("function_runs").select("function_name").execute()).map((r) => r.function_name)).toEqual(["f"]);
  });
});
