import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openPostgres, type Store } from "../src/store/database";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

// A pool of 10 where transactions may hold 7 (store/transaction-slots.ts): what a node under a write-heavy load does.
describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("transactions on a PostgreSQL pool", () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = openPostgres(database.databaseUrl!, 10);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("leave single statements a connection, and wait for a slot past their share", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let inside = 0;
    let most = 0;
    let sevenInside!: () => void;
    const seven = new Promise<void>((resolve) => (sevenInside = resolve));
    const order: number[] = [];
    // As many transactions as the pool has connections, each holding its connection until released.
    const transactions = Array.from({ length: 10 }, (_, i) =>
      store.db.transaction().execute(async (trx) => {
        order.push(i);
        most = Math.max(most, ++inside);
        if (inside === 7) sevenInside();
        await sql`select 1`.execute(trx);
        await released;
        inside--;
      }),
    );
    await seven;
    // Before the cap, the ten transactions held all ten connections and this waited for one of them to end.
    const statement = sql<{ n: number }>`select 2 as n`.execute(store.db).then((r) => r.rows[0]!.n);
    const first = await Promise.race([statement, new Promise((resolve) => setTimeout(() => resolve("blocked"), 15_000))]);
    release();
    await Promise.all(transactions);
    expect(first).toBe(2);
    expect(most).toBe(7);
    // The three that waited ran once slots freed.
    expect(order.slice(0, 7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(order.length).toBe(10);
  });

  it("keep their isolation level and roll back on a throw", async () => {
    await sql`create table if not exists slot_probe (n int)`.execute(store.db);
    const level = await store.db
      .transaction()
      .setIsolationLevel("serializable")
      .execute(async (trx) => (await sql<{ l: string }>`select current_setting('transaction_isolation') as l`.execute(trx)).rows[0]!.l);
    expect(level).toBe("serializable");
    await expect(
      store.db.transaction().execute(async (trx) => {
        await sql`insert into slot_probe values (1)`.execute(trx);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    const rows = await sql<{ c: number }>`select count(*)::int as c from slot_probe`.execute(store.db);
    expect(rows.rows[0]!.c).toBe(0);
  });
});
