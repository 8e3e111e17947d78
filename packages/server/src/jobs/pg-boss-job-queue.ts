import PgBoss from "pg-boss";
import cronParser from "cron-parser";
import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { EnqueueOptions, JobHandler, JobQueue } from "./job-queue";
import type { SqlJobQueueOptions } from "./sql-job-queue";
import { LOCKS, withAdvisoryLock } from "../cluster/advisory-lock";
import { PollLoop } from "./poll-loop";

/** pg-boss keeps its tables in a schema of its own in the store's database. */
export const PG_BOSS_SCHEMA = "pgboss";
const DEFAULT_MAX_ATTEMPTS = 3;
const TIMEOUT_OUTPUT = "job failed by timeout in active state";

/** Where a kind's jobs go once pg-boss gives up on them; a worker there calls the handler's `abandon`. */
export const abandonedQueue = (kind: string) => `${kind}.abandoned`;

/** pg-boss's view of a Kysely connection: the pool, or a transaction so a job exists only if the change queuing it commits. */
const asPgBossDb = (db: Kysely<Database>): PgBoss.Db => ({
  executeSql: async (text, values) => ({
    rows: (await db.executeQuery(CompiledQuery.raw(text, values ?? []))).rows as unknown[] as never[],
  }),
});

type Claimed = PgBoss.JobWithMetadata<unknown>;

/**
 * Jobs through pg-boss on PostgreSQL: every node fetches with `FOR UPDATE SKIP LOCKED`, so each job runs once.
 * pg-boss has no heartbeat (its own `work()` even fails a job that runs past its expiry), so this queue fetches jobs
 * itself and keeps a claim alive by pushing the job's `expire_in` forward while the handler runs: a job whose node
 * died expires one lease later, pg-boss's maintenance (run by one node at a time) puts it back, and another node
 * claims it. A job that keeps failing or keeps losing its node ends on the kind's dead-letter queue, where `abandon`
 * runs once. Both statements on pg-boss's table are here, written for pg-boss 10's schema (pinned in package.json).
 */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly leaseSec: number;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly schedules = new Map<string, string>();
  private readonly running = new Map<string, { kind: string; controller: AbortController; done: Promise<void> }>();
  private ready: Promise<void> | undefined;
  private readonly loop: PollLoop;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: SqlJobQueueOptions,
  ) {
    this.leaseSec = Math.max(1, Math.ceil(opts.leaseMs / 1000));
    this.loop = new PollLoop(() => this.poll(), opts.pollMs, opts.log);
    this.boss = new PgBoss({
      db: asPgBossDb(db),
      schema: PG_BOSS_SCHEMA,
      migrate: true,
      supervise: true,
      // Cron schedules (`schedule`): pg-boss's timekeeper queues each tick's job once for all nodes.
      schedule: true,
      ...(opts.cronCheckSeconds
        ? { cronMonitorIntervalSeconds: opts.cronCheckSeconds, cronWorkerIntervalSeconds: opts.cronCheckSeconds }
        : {}),
      // Expiry is how a dead node's job comes back, so maintenance runs about once a lease (one node at a time).
      maintenanceIntervalSeconds: Math.min(this.leaseSec, 60),
    });
    this.boss.on("error", (err) => opts.log.error({ err }, "pg-boss failed"));
  }

  async enqueue(db: Kysely<Database>, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    if (!this.ready) throw new Error("Start the job queue before queuing jobs.");
    await this.ready;
    const id = await this.boss.send(kind, (payload ?? {}) as object, {
      db: asPgBossDb(db),
      // pg-boss counts retries after the first run.
      retryLimit: Math.max(0, (opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1),
      retryDelay: 0,
      expireInSeconds: this.leaseSec,
      deadLetter: abandonedQueue(kind),
      ...(opts.delayMs ? { startAfter: new Date(Date.now() + opts.delayMs) } : {}),
    });
    if (!id) throw new Error(`No job queue "${kind}": only kinds with a handler can be queued.`);
    return id;
  }

  /** pg-boss throttling: a second offer in the same slot is dropped. */
  async enqueueOncePer(kind: string, seconds: number): Promise<void> {
    if (!this.ready) throw new Error("Start the job queue before queuing jobs.");
    await this.ready;
    const id = await this.boss.sendThrottled(
      kind,
      {},
      { retryLimit: 0, expireInSeconds: this.leaseSec, deadLetter: abandonedQueue(kind) },
      seconds,
    );
    if (id) this.wake();
  }

  handle<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<unknown>);
  }

  schedule(kind: string, cron: string): void {
    cronParser.parseExpression(cron, { tz: "UTC" });
    this.schedules.set(kind, cron);
  }

  start(): Promise<void> {
    this.ready ??= (async () => {
      // Neither pg-boss's schema creation nor its createQueue is safe against another node doing the same at the same moment.
      await withAdvisoryLock(this.db, LOCKS.jobQueues, async () => {
        await this.boss.start();
        for (const kind of this.handlers.keys()) {
          if (await this.boss.getQueue(kind)) continue;
          await this.boss.createQueue(abandonedQueue(kind));
          await this.boss.createQueue(kind, {
            name: kind,
            deadLetter: abandonedQueue(kind),
            expireInSeconds: this.leaseSec,
            retryDelay: 0,
          });
        }
        for (const [kind, cron] of this.schedules) await this.boss.schedule(kind, cron, {}, { tz: "UTC", retryLimit: 0 });
      });
      this.loop.start();
    })();
    return this.ready;
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    if (!this.ready) return;
    await this.ready.catch(() => undefined);
    await this.loop.stop();
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(new Error("The server is stopping."));
    await Promise.all(running.map((r) => r.done));
    await this.boss.stop({ graceful: false, close: false });
  }

  private async poll(): Promise<void> {
    for (const [kind, handler] of this.handlers) {
      for (const job of await this.boss.fetch<unknown>(abandonedQueue(kind), { includeMetadata: true, batchSize: 10 })) {
        await this.abandon(kind, handler, job);
      }
      const busy = [...this.running.values()].filter((r) => r.kind === kind).length;
      for (let free = (handler.concurrency ?? 1) - busy; free > 0 && this.loop.active; free--) {
        const [job] = await this.boss.fetch<unknown>(kind, { includeMetadata: true, batchSize: 1 });
        if (!job) break;
        this.launch(kind, job, handler);
      }
    }
  }

  private launch(kind: string, job: Claimed, handler: JobHandler<unknown>): void {
    if (job.retryCount > 0) this.opts.log.warn({ jobId: job.id, kind, attempt: job.retryCount + 1 }, "running a job again");
    const controller = new AbortController();
    const heartbeat = setInterval(() => void this.extendLease(kind, job, controller), Math.max(50, this.opts.leaseMs / 3));
    const done = this.execute(kind, job, handler, controller.signal)
      .catch((err: unknown) => this.opts.log.error({ err, jobId: job.id }, "job bookkeeping failed"))
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { kind, controller, done });
  }

  private async execute(kind: string, job: Claimed, handler: JobHandler<unknown>, signal: AbortSignal): Promise<void> {
    try {
      await handler.run(job.data, { jobId: job.id, attempt: job.retryCount + 1, signal });
      await this.boss.complete(kind, job.id);
    } catch (err) {
      if (signal.aborted) {
        // Stopping: hand the job back untouched so a node claims it at once. Lease lost: another node has it now.
        if (!this.loop.active) await this.handBack(kind, job);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log.error({ err, jobId: job.id, kind }, "job failed");
      // pg-boss retries it on any node while attempts remain, else moves it to the dead-letter queue.
      await this.boss.fail(kind, job.id, { message });
    }
  }

  private async abandon(kind: string, handler: JobHandler<unknown>, dead: Claimed): Promise<void> {
    const output = (dead.output ?? {}) as { message?: string; value?: { message?: string } };
    const last = output.message ?? output.value?.message;
    const runs = dead.retryLimit + 1;
    const reason =
      last === undefined || last === TIMEOUT_OUTPUT
        ? `it was interrupted ${runs} ${runs === 1 ? "time" : "times"} (the node running it stopped)`
        : last;
    try {
      await handler.abandon(dead.data, reason);
      await this.boss.complete(abandonedQueue(kind), dead.id);
    } catch (err) {
      this.opts.log.error({ err, jobId: dead.id, kind }, "abandoning a job failed");
      await this.boss.fail(abandonedQueue(kind), dead.id, { message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** The claim is the job's id at its run count: a job that expired and was claimed again has a higher count. */
  private async extendLease(kind: string, job: Claimed, controller: AbortController): Promise<void> {
    const res = await this.db
      .executeQuery(
        CompiledQuery.raw(
          `UPDATE ${PG_BOSS_SCHEMA}.job SET expire_in = now() - started_on + $3 * interval '1 second'
           WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $4`,
          [kind, job.id, this.leaseSec, job.retryCount],
        ),
      )
      .catch((err: unknown) => {
        this.opts.log.error({ err, jobId: job.id }, "job heartbeat failed");
        return undefined;
      });
    // This process stalled past its lease and the job went back to the queue: stop working on it.
    if (res && res.numAffectedRows === 0n) controller.abort(new Error("The job's lease was lost."));
  }

  /** Without `started_on`, pg-boss's next fetch does not count the interrupted run as an attempt. */
  private async handBack(kind: string, job: Claimed): Promise<void> {
    await this.db.executeQuery(
      CompiledQuery.raw(
        `UPDATE ${PG_BOSS_SCHEMA}.job SET state = 'created', started_on = NULL
         WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3`,
        [kind, job.id, job.retryCount],
      ),
    );
  }
}
