import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql, type CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite, type Store } from "../src/store/database";
import { SqliteLogWriter } from "../src/logs/sqlite-log-writer";

// The embedded store's log writer thread (PostgreSQL's: pg-log-writer.test.ts).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-log-writer-"));
const file = path.join(dir, "store.db");
let store: Store;
const writers: SqliteLogWriter[] = [];
const writer = () => {
  const w = new SqliteLogWriter(file);
  writers.push(w);
  return w;
};
const insert = (...bodies: string[]): CompiledQuery => ({
  sql: `insert into events (body) values ${bodies.map(() => "(?)").join(", ")} returning id`,
  parameters: bodies,
  query: undefined as never,
  queryId: undefined as never,
});
const bodies = async () => (await sql<{ body: string }>`select body from events order by id`.execute(store.db)).rows.map((r) => r.body);

beforeAll(async () => {
  store = openSqlite(file);
  await sql`create table events (id integer primary key autoincrement, body text not null)`.execute(store.db);
});

afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
  await store.db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.env.SPROCKET_TEST_DB === "postgres")("the SQLite log writer thread", () => {
  it("runs a batch in one transaction and answers each statement's ids, in order", async () => {
    const w = writer();
    const ids = await w.write([insert("a", "b"), insert("c")]);
    expect(ids.map((x) => x.length)).toEqual([2, 1]);
    expect(ids.flat()).toEqual([...ids.flat()].sort((x, y) => x - y));
    expect(await bodies()).toEqual(["a", "b", "c"]);
  });

  it("writes nothing of a batch whose statement fails, says why, and keeps writing after it", async () => {
    const w = writer();
    const before = await bodies();
    await expect(w.write([insert("kept?"), { ...insert("x"), sql: "insert into nowhere (body) values (?) returning id" }])).rejects.toThrow(
      /Log write failed: no such table: nowhere/,
    );
    expect(await bodies()).toEqual(before);
    await w.write([insert("after")]);
    expect((await bodies()).at(-1)).toBe("after");
  });

  it("waits for a write transaction of the server's own connection instead of failing", async () => {
    const w = writer();
    let written: Promise<number[][]> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await sql`insert into events (body) values ('server')`.execute(trx);
      written = w.write([insert("log")]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await written;
    expect((await bodies()).slice(-2)).toEqual(["server", "log"]);
  });

  it("never makes a store transaction that read first fail to write because the thread wrote in between", async () => {
    const w = writer();
    // With a deferred BEGIN, the transaction's read pins a snapshot; once the thread commits, the transaction can no
    // longer take the write lock (SQLITE_BUSY_SNAPSHOT) and fails at once. The store's transactions take it up front.
    let logged: Promise<number[][]> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await sql`select count(*) from events`.execute(trx);
      logged = w.write([insert("between")]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sql`insert into events (body) values ('after the read')`.execute(trx);
    });
    await logged;
    expect((await bodies()).slice(-2)).toEqual(["after the read", "between"]);
  });

  it("answers every write with the reason when it cannot open the store", async () => {
    const w = new SqliteLogWriter(path.join(dir, "missing", "store.db"));
    writers.push(w);
    await expect(w.write([insert("lost")])).rejects.toThrow(
      /Log write failed: cannot open .*missing.*store\.db: .*(unable to open|directory does not exist)/,
    );
    await expect(w.write([insert("lost too")])).rejects.toThrow(/cannot open/);
  });

  it("does not keep a process alive once its writes are done, compiled as the server runs it", async () => {
    // A process that writes and never closes the writer must still end by itself. It runs the compiled module (the
    // test run builds dist/ first) under plain Node, as a server does: its thread is the compiled one too.
    const script = `
      import { SqliteLogWriter } from ${JSON.stringify(path.resolve("packages/server/dist/logs/sqlite-log-writer.js"))};
      const w = new SqliteLogWriter(${JSON.stringify(file)});
      const ids = await w.write([{ sql: "insert into events (body) values (?) returning id", parameters: ["from a child"] }]);
      console.log(JSON.stringify(ids));
    `;
    const entry = path.join(dir, "child.mjs");
    fs.writeFileSync(entry, script);
    const { stdout } = await promisify(execFile)(process.execPath, [entry], { timeout: 20_000 });
    expect(JSON.parse(stdout)).toHaveLength(1);
    expect((await bodies()).at(-1)).toBe("from a child");
  });
});
