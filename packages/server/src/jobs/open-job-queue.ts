import type { Store } from "../store/database";
import type { Clock } from "../platform";
import type { JobQueue } from "./job-queue";
import { PgBossJobQueue } from "./pg-boss-job-queue";
import { SqlJobQueue, type SqlJobQueueOptions } from "./sql-job-queue";

/** pg-boss where the store is PostgreSQL (one queue for every node), the job table on the embedded SQLite store. */
export function openJobQueue(store: Store, clock: Clock, opts: SqlJobQueueOptions): JobQueue {
  return store.engine === "postgres" ? new PgBossJobQueue(store.db, opts) : new SqlJobQueue(store.db, clock, opts);
}
