import type { Kysely } from "kysely";
import type { Database } from "../store/schema";

export interface JobContext {
  jobId: string;
  /** 1 on the first run; more when a worker died or stopped while running it. */
  attempt: number;
  /** Aborted when the queue stops; the handler should give up at its next step and will be run again later. */
  signal: AbortSignal;
}

export interface JobHandler<P> {
  run(payload: P, ctx: JobContext): Promise<void>;
  /** Called once when a job is given up on (its runs kept failing or kept being interrupted). */
  abandon(payload: P, reason: string): Promise<void>;
  /** Jobs of this kind run at once in this process (default 1). */
  concurrency?: number;
}

/**
 * Durable background jobs: a SQL job table on SQLite (`SqlJobQueue`), pg-boss on PostgreSQL (`PgBossJobQueue`), so
 * every node of a cluster claims from one queue and a job of a node that died is run again by another.
 */
export interface JobQueue {
  /** Adds a job. Pass the surrounding transaction so the job exists only if that change commits; then call `wake`. */
  enqueue(db: Kysely<Database>, kind: string, payload: unknown, opts?: { maxAttempts?: number }): Promise<string>;
  handle<P>(kind: string, handler: JobHandler<P>): void;
  /**
   * Queues a job of `kind` (payload `{}`) at every tick of a cron expression in UTC, one per tick for the whole
   * deployment however many nodes run. Register it with its handler, before `start`.
   */
  schedule(kind: string, cron: string): void;
  /** Queues one job of `kind` (payload `{}`, run once) per `seconds`-long time slot for the whole deployment, however many nodes ask. */
  enqueueOncePer(kind: string, seconds: number): Promise<void>;
  /** Looks for work now instead of at the next poll. */
  wake(): void;
  /** Starts claiming jobs of the kinds handled so far. */
  start(): Promise<void>;
  /** Stops claiming, interrupts running handlers and hands their jobs back to the queue. */
  stop(): Promise<void>;
}
