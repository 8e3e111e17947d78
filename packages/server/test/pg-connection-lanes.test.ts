import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sql } from "kysely";
import { openPostgres, type Store } from "../src/store/database";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { until } from "./support/until";

describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("a PostgreSQL store with a pool for statements", () => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = openPostgres(db.databaseUrl!, { pool: 2, statements: 2 });
    await sql`create table marks (n int not null)`.execute(store.db);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("runs a statement while every transaction connection is held by an open transaction", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let begun = 0;
    const held = [1, 2].map((n) =>
      store.db.transaction().execute(async (trx) => {
        await sql`insert into marks (n) values (${n})`.execute(trx);
        begun++;
        await gate;
      }),
    );
    await until(async () => begun === 2);
    // Outside a transaction: not one of the two transactions' connections, so it does not wait for them.
    const { rows } = await sql<{ n: string }>`select count(*) as n from marks`.execute(store.db);
    expect(Number(rows[0]!.n)).toBe(0);
    open();
    await Promise.all(held);
    const after = await sql<{ n: string }>`select count(*) as n from marks`.execute(store.db);
    expect(Number(after.rows[0]!.n)).toBe(2);
  });

  it("rolls a failed transaction back on its own connection and gives the connection back", async () => {
    const failing = store.db.transaction().execute(async (trx) => {
      await sql`insert into marks (n) values (99)`.execute(trx);
      throw new Error("changed my mind");
    });
    await expect(failing).rejects.toThrow("changed my mind");
    // Both transaction connections are free again: two transactions at once still begin and commit.
    await Promise.all([3, 4].map((n) => store.db.transaction().execute((trx) => sql`insert into marks (n) values (${n})`.execute(trx))));
    const { rows } = await sql<{ n: number }>`select n from marks order by n`.execute(store.db);
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4]);
  });

  it("runs a statement while searches hold every connection of theirs, waiting in PostgreSQL", async () => {
    // A lock on the table holds every search that reaches PostgreSQL, with its connection, until the lock is gone.
    const locker = new pg.Client({ connectionString: db.databaseUrl });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table marks in access exclusive mode");
      // More searches than the pool they take connections from.
      const searches = [1, 2, 3].map(() => sql<{ n: string }>`select count(*) as n from marks`.execute(store.searchDb));
      await until(async () => {
        const { rows } = await locker.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        return rows[0]!.n === 2;
      });
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(rows).toEqual([{ one: 1 }]);
      await locker.query("commit");
      expect((await Promise.all(searches)).map((r) => Number(r.rows[0]!.n))).toEqual([4, 4, 4]);
    } finally {
      await locker.end();
    }
  });
});
