// Scheduled jobs on the one job queue, over the engine under test: the job table on SQLite, pg-boss on PostgreSQL.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore, migrateToLatest, type Store } from "../src/index";
import { openJobQueue } from "../src/jobs/open-job-queue";
import { systemClock } from "../src/platform";
import { createTestDatabase, testEngine, type TestDatabase } from "./support/test-database";

const log = { error: () => {}, warn: () => {} };
let db: TestDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTestDatabase();
  store = openStore({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), dataDir: db.dataDir });
  await migrateToLatest(store);
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

it("runs a scheduled kind on its cron ticks, through the queue's handler", { timeout: 90_000 }, async () => {
  const queue = openJobQueue(store, systemClock, { leaseMs: 2000, pollMs: 50, cronCheckSeconds: 1, log });
  let runs = 0;
  queue.handle("t.every-second", { run: async () => void runs++, abandon: async () => {} });
  queue.schedule("t.every-second", "* * * * * *");
  await queue.start();
  try {
    // The job table serves every tick. pg-boss's timekeeper (asked to look every second here, 30 s by default) serves
    // a schedule at most once a minute: one run is what it can show.
    await expect.poll(() => runs, { timeout: 80_000 }).toBeGreaterThanOrEqual(testEngine === "sqlite" ? 2 : 1);
  } finally {
    await queue.stop();
  }
});

it("refuses a cron expression that is not one when it is registered, not at start", () => {
  const queue = openJobQueue(store, systemClock, { leaseMs: 2000, pollMs: 50, log });
  expect(() => queue.schedule("t.bad", "every hour")).toThrow();
});
