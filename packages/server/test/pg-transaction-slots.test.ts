import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openPostgres, TRANSACTION_CONNECTIONS, type Store } from "../src/store/database";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

// A node's pool, where transactions may hold TRANSACTION_CONNECTIONS and no more (store/transaction-slots.ts).
describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("transactions on a PostgreSQL pool", () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = openPostgres(database.databaseUrl!);
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
    let allInside!: () => void;
    const full = new Promise<void>((resolve) => (allInside = resolve));
    const order: number[] = [];
    // More transactions than they may hold connections, each holding its connection until released: a write-heavy load.
    const count = TRANSACTION_CONNECTIONS + 3;
    const transactions = Array.from({ length: count }, (_, i) =>
      store.db.transaction().execute(async (trx) => {
        order.push(i);
        most = Math.max(most, ++inside);
        if (inside === TRANSACTION_CONNECTIONS) allInside();
        await sql`select 1`.execute(trx);
        await released;
        inside--;
      }),
    );
    await full;
    // Before, transactions could take every connection of the pool, and this statement waited for one of them to end.
    const statement = sql<{ n: number }>`select 2 as n`.execute(store.db).then((r) => r.rows[0]!.n);
    const first = await Promise.race([statement, new Promise((resolve) => setTimeout(() => resolve("blocked"), 15_000))]);
    release();
    await Promise.all(transactions);
    expect(first).toBe(2);
    expect(most).toBe(TRANSACTION_CONNECTIONS);
    // Those that waited for a slot ran once slots freed.
    expect(order.length).toBe(count);
    expect(order.slice(TRANSACTION_CONNECTIONS).every((i) => i >= TRANSACTION_CONNECTIONS)).toBe(true);
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
