import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openPostgres, type Store } from "../src/store/database";
import { readShared, writePool } from "../src/store/pg-prepared";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { until } from "./support/until";

// Issue #24 item 5: a shared one-statement read takes the next free connection before the writes queued for one, with at
// most half the pool's connections going to such reads (store/pg-prepared.ts, queryAhead).
describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("a read shared by requests, on a pool whose queue is full", () => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = openPostgres(db.databaseUrl!, { pool: 2, statements: 0 });
    await sql`create table marks (n int not null)`.execute(store.db);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** Two transactions holding both connections, each until its own gate opens. */
  async function holdBoth() {
    const opens: Array<() => void> = [];
    let begun = 0;
    const held = [1, 2].map((n) => {
      const gate = new Promise<void>((resolve) => opens.push(resolve));
      return store.db.transaction().execute(async (trx) => {
        await sql`insert into marks (n) values (${n})`.execute(trx);
        begun++;
        await gate;
      });
    });
    await until(() => begun === 2);
    return { held, opens };
  }

  it("serves a read queued after a write first, and the write next", async () => {
    const pool = writePool(store.db)!;
    const { held, opens } = await holdBoth();
    const order: string[] = [];
    const write = store.db.transaction().execute(async (trx) => {
      order.push("write");
      await sql`insert into marks (n) values (3)`.execute(trx);
    });
    await until(() => pool.waitingCount === 1);
    try {
      const read = readShared(store.db, "test_ahead_one", "select $1::int as n", [7])!.then((rows) => (order.push("read"), rows));
      expect(pool.waitingCount).toBe(2);
      opens[0]!();
      expect(await read).toEqual([[7]]);
      await write;
      expect(order).toEqual(["read", "write"]);
    } finally {
      opens.forEach((open) => open());
      await Promise.all([...held, write]);
    }
  });

  it("lets at most half the pool go to reads ahead: past that a read waits its turn behind the write", async () => {
    const pool = writePool(store.db)!;
    const { held, opens } = await holdBoth();
    const order: string[] = [];
    const write = store.db.transaction().execute(async (trx) => {
      order.push("write");
      await sql`insert into marks (n) values (4)`.execute(trx);
    });
    await until(() => pool.waitingCount === 1);
    try {
      const reads = [1, 2].map((n) =>
        readShared(store.db, "test_ahead_two", "select $1::int as n", [n])!.then(() => order.push(`read ${n}`)),
      );
      expect(pool.waitingCount).toBe(3);
      opens[0]!();
      await Promise.all([write, ...reads]);
      expect(order).toEqual(["read 1", "write", "read 2"]);
    } finally {
      opens.forEach((open) => open());
      await Promise.all([...held, write]);
    }
  });
});
