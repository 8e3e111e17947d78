import type { Platform } from "../platform";

export const LOG_RETENTION_JOB = "logs.retention";
const HOUR_SEC = 60 * 60;

/**
 * Log retention, once an hour for the whole deployment: a scheduled job of the one job queue (pg-boss's cron on
 * PostgreSQL, so of N nodes one prunes each hour and another one if that node dies; the job table on the embedded
 * store). Registered at the root before the queue starts.
 */
export function registerLogRetention(p: Platform): void {
  p.jobs.handle(LOG_RETENTION_JOB, {
    run: async () => void (await p.logs.prune()),
    abandon: async (_payload, reason) => p.log.error({ reason }, "log retention failed; the next hour's run tries again"),
  });
  p.jobs.schedule(LOG_RETENTION_JOB, "0 * * * *");
}

/** A run at start too, unless a node has queued this hour's already: a node that was down may have a backlog. */
export function pruneLogsAtStart(p: Platform): Promise<void> {
  return p.jobs.enqueueOncePer(LOG_RETENTION_JOB, HOUR_SEC).catch((err: unknown) => p.log.error({ err }, "could not queue log retention"));
}
