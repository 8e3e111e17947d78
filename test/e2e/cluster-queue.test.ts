// The pg-boss job queue of scale-out mode, two queues (two nodes' worth) over one real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, migrateToLatest, type Store } from "../../packages/server/src/index";
import { PgBossJobQueue } from "../../packages/server/src/jobs/pg-boss-job-queue";
import type { JobContext, JobHandler } from "../../packages/server/src/jobs/job-queue";
import { createTestDatabase, type TestDatabase } from "../../packages/server/test/support/test-database";
import { until } from "../../packages/server/test/support/until";

const log = { error: () => {}, warn: () => {} };
const node = (store: Store) => new PgBossJobQueue(store.db, { leaseMs: 2000, pollMs: 50, log });

// pg-boss lives in PostgreSQL; under the sqlite project there is no such queue to test.
describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("PgBossJobQueue", () => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("queues a job only if the transaction that queues it commits", async () => {
    const runs: unknown[] = [];
    const queue = node(store);
    queue.handle("t.commit", { run: async (payload) => void runs.push(payload), abandon: async () => {} });
    await queue.start();
    await store.db
      .transaction()
      .execute(async (trx) => {
        await queue.enqueue(trx, "t.commit", { n: 1 });
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await store.db.transaction().execute((trx) => queue.enqueue(trx, "t.commit", { n: 2 }));
    queue.wake();
    await until(() => runs.length === 1);
    await queue.stop();
    expect(runs).toEqual([{ n: 2 }]);
  });

  it("hands a job interrupted by a stopping node to another node without counting the attempt", async () => {
    const a = node(store);
    const b = node(store);
    const attempts: Array<{ node: string; attempt: number }> = [];
    const handler = (name: string): JobHandler<unknown> => ({
      async run(_payload, ctx: JobContext) {
        attempts.push({ node: name, attempt: ctx.attempt });
        if (name === "a") await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      },
      abandon: async () => {},
    });
    a.handle("t.handback", handler("a"));
    b.handle("t.handback", handler("b"));
    await a.start();
    await a.enqueue(store.db, "t.handback", {});
    a.wake();
    await until(() => attempts.length === 1);
    await b.start();
    await a.stop();
    await until(() => attempts.length === 2);
    await b.stop();
    expect(attempts).toEqual([
      { node: "a", attempt: 1 },
      { node: "b", attempt: 1 },
    ]);
  });

  it("retries a failing job on any node and abandons it once, with its last error, after its attempts", async () => {
    const attempts: number[] = [];
    const abandoned: string[] = [];
    const failing: JobHandler<unknown> = {
      async run(_payload, ctx) {
        attempts.push(ctx.attempt);
        throw new Error(`failure ${ctx.attempt}`);
      },
      abandon: async (_payload, reason) => void abandoned.push(reason),
    };
    const a = node(store);
    const b = node(store);
    a.handle("t.fail", failing);
    b.handle("t.fail", failing);
    await Promise.all([a.start(), b.start()]);
    await a.enqueue(store.db, "t.fail", {}, { maxAttempts: 2 });
    a.wake();
    await until(() => abandoned.length === 1);
    await Promise.all([a.stop(), b.stop()]);
    expect(attempts.sort()).toEqual([1, 2]);
    expect(abandoned).toEqual(["failure 2"]);
  });

  it("refuses to queue before it is started, and a kind it does not handle", async () => {
    const queue = node(store);
    await expect(queue.enqueue(store.db, "t.none", {})).rejects.toThrow("Start the job queue before queuing jobs.");
    await queue.start();
    await expect(queue.enqueue(store.db, "t.unknown", {})).rejects.toThrow('No job queue "t.unknown"');
    await queue.stop();
  });
});
