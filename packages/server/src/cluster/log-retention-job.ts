import type { Platform } from "../platform";
import { PgBossJobQueue } from "../jobs/pg-boss-job-queue";

export const LOG_RETENTION_JOB = "logs.retention";
const HOUR_SEC = 60 * 60;
/** How often each node offers the hour's job; only the first offer of an hour becomes a job. */
const OFFER_EVERY_MS = 5 * 60 * 1000;

/**
 * Log retention, once an hour for the whole deployment. On PostgreSQL it is a pg-boss job, so of N nodes one prunes
 * each hour (and another one if that node dies); the embedded store has one node, which prunes on its own timer.
 * Returns how to stop it.
 */
export async function scheduleLogRetention(p: Platform, log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void }): Promise<() => Promise<void>> {
  if (p.store.engine !== "postgres") {
    p.logs.startRetention();
    return async () => {};
  }
  // A queue of its own, polled rarely: the node that queues the hour's job wakes itself.
  const queue = new PgBossJobQueue(p.store.db, { leaseMs: 60_000, pollMs: OFFER_EVERY_MS, log });
  queue.handle(LOG_RETENTION_JOB, {
    run: async () => void (await p.logs.prune()),
    abandon: async (_payload, reason) => log.error({ reason }, "log retention failed; the next hour's run tries again"),
  });
  await queue.start();
  const offer = () => void queue.enqueueOncePer(LOG_RETENTION_JOB, HOUR_SEC).catch((err: unknown) => log.error({ err }, "could not queue log retention"));
  offer();
  const timer = setInterval(offer, OFFER_EVERY_MS).unref();
  return async () => {
    clearInterval(timer);
    await queue.stop();
  };
}
