import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite, type Store } from "../src/store/database";
import { readNow } from "../src/store/sqlite-now";

// The embedded store only: PostgreSQL never reads on the spot (readNow answers undefined there).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-sqlite-now-"));
const file = path.join(dir, "store.db");
let store: Store;
let other: SQLite.Database;
const turn = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  store = openSqlite(file);
  await sql`create table notes (id integer primary key, body text not null)`.execute(store.db);
  await sql`insert into notes (id, body) values (1, 'first')`.execute(store.db);
  // Another connection, as `sprocket admin seed` would open while the server runs.
  other = new SQLite(file);
  other.pragma("busy_timeout = 5000");
});

afterAll(async () => {
  other.close();
  await store.db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const read = () => readNow(store.db, "select body from notes where id = ?", [1])?.[0]?.[0];

describe.skipIf(process.env.SPROCKET_TEST_DB === "postgres")("reads on the spot (SQLite)", () => {
  it("see in a new turn what another connection committed, and keep one snapshot within a turn", async () => {
    expect(read()).toBe("first");
    // Within the turn the read transaction holds its snapshot; another connection still writes (WAL) without waiting.
    other.prepare("update notes set body = 'second' where id = 1").run();
    expect(read()).toBe("first");
    await turn();
    expect(read()).toBe("second");
  });

  it("end the shared snapshot before a write takes the connection, so the write and later reads are current", async () => {
    await turn();
    expect(read()).toBe("second");
    other.prepare("update notes set body = 'third' where id = 1").run();
    // Still in the same turn: a write through the store starts from the latest commit, not the turn's snapshot.
    await store.db.transaction().execute(async (trx) => {
      const row = await sql<{ body: string }>`select body from notes where id = 1`.execute(trx);
      expect(row.rows[0]!.body).toBe("third");
      await sql`update notes set body = ${row.rows[0]!.body + "+mine"} where id = 1`.execute(trx);
    });
    expect(read()).toBe("third+mine");
  });

  it("hold no transaction once the turn is over: another connection can checkpoint the whole log", async () => {
    expect(read()).toBe("third+mine");
    await turn();
    const [result] = other.pragma("wal_checkpoint(TRUNCATE)") as Array<{ busy: number; log: number; checkpointed: number }>;
    expect(result).toEqual({ busy: 0, log: 0, checkpointed: 0 });
  });

  it("answer nothing while a store transaction holds the connection", async () => {
    let during: unknown = "not read";
    await store.db.transaction().execute(async () => {
      during = readNow(store.db, "select body from notes where id = ?", [1]);
    });
    expect(during).toBeUndefined();
    expect(read()).toBe("third+mine");
  });
});
