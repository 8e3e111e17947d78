import { randomUUID } from "node:crypto";
import cronParser from "cron-parser";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import type { EnqueueOptions, JobHandler, JobQueue } from "./job-queue";
import type { JobsTable } from "./tables";
import { PollLoop } from "./poll-loop";

export interface SqlJobQueueOptions {
  /** How long a claim lasts without a heartbeat; a worker that dies is replaced after this. */
  leaseMs: number;
  pollMs: number;
  /**
   * pg-boss only: how often its timekeeper looks for due cron schedules (its default, 30 s, unless given). The job
   * table serves schedules on its own poll; the schedule test asks pg-boss for 1 s so it waits seconds, not a minute.
   */
  cronCheckSeconds?: number;
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const DEFAULT_MAX_ATTEMPTS = 3;

type Claimed = Pick<JobsTable, "kind" | "payload" | "attempts" | "max_attempts" | "last_error"> & { id: number };

/**
 * A job table polled by every worker. A claim is an UPDATE guarded by the attempt count it read, so of two
 * workers racing for one job exactly one wins, on SQLite and PostgreSQL alike, with no engine-specific locking.
 */
export class SqlJobQueue implements JobQueue {
  private readonly workerId = randomUUID();
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly schedules = new Map<string, string>();
  private readonly ticks = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<number, { kind: string; controller: AbortController; done: Promise<void> }>();
  private readonly loop: PollLoop;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly opts: SqlJobQueueOptions,
  ) {
    this.loop = new PollLoop(() => this.poll(), opts.pollMs, opts.log);
  }

  async enqueue(db: Kysely<Database>, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const now = this.clock.now();
    const row = await db
      .insertInto("jobs")
      .values({
        kind,
        payload: JSON.stringify(payload),
        status: "queued",
        attempts: 0,
        max_attempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        locked_by: null,
        lease_until: null,
        last_error: null,
        run_after: opts.delayMs ? now + opts.delayMs : null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return String(row.id);
  }

  handle<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<unknown>);
  }

  schedule(kind: string, cron: string): void {
    cronParser.parseExpression(cron, { tz: "UTC" });
    this.schedules.set(kind, cron);
  }

  /** The embedded store has one node: a job of the kind created in this slot is the slot's job. */
  async enqueueOncePer(kind: string, seconds: number): Promise<void> {
    const now = this.clock.now();
    const slot = now - (now % (seconds * 1000));
    const queued = await this.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", kind)
      .where("created_at", ">=", slot)
      .executeTakeFirst();
    if (queued) return;
    await this.enqueue(this.db, kind, {}, { maxAttempts: 1 });
    this.wake();
  }

  async start(): Promise<void> {
    this.loop.start();
    for (const kind of this.schedules.keys()) this.tick(kind);
  }

  /**
   * Waits for the kind's next cron tick (in real time: timers run on it), queues its job and waits for the one after.
   * `after` is the tick just served, so a timer that fires a hair before its time does not serve it twice.
   */
  private tick(kind: string, after = 0): void {
    const currentDate = new Date(Math.max(Date.now(), after + 1));
    const next = cronParser.parseExpression(this.schedules.get(kind)!, { tz: "UTC", currentDate }).next().getTime();
    const timer = setTimeout(() => {
      this.enqueue(this.db, kind, {}, { maxAttempts: 1 }).then(
        () => this.wake(),
        (err: unknown) => this.opts.log.error({ err, kind }, "could not queue a scheduled job"),
      );
      if (this.loop.active) this.tick(kind, next);
    }, next - Date.now());
    this.ticks.set(kind, timer.unref());
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    for (const timer of this.ticks.values()) clearTimeout(timer);
    this.ticks.clear();
    await this.loop.stop();
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(new Error("The server is stopping."));
    await Promise.all(running.map((r) => r.done));
  }

  private async poll(): Promise<void> {
    for (const [kind, handler] of this.handlers) {
      const busy = [...this.running.values()].filter((r) => r.kind === kind).length;
      for (let free = (handler.concurrency ?? 1) - busy; free > 0 && this.loop.active; free--) {
        const job = await this.claim(kind);
        if (!job) break;
        this.launch(job, handler);
      }
    }
  }

  private async claim(kind: string): Promise<Claimed | undefined> {
    for (;;) {
      const now = this.clock.now();
      const candidate = await this.db
        .selectFrom("jobs")
        .select(["id", "kind", "payload", "status", "attempts", "max_attempts", "last_error"])
        .where("kind", "=", kind)
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "queued"), eb.or([eb("run_after", "is", null), eb("run_after", "<=", now)])]),
            eb.and([eb("status", "=", "running"), eb("lease_until", "<", now)]),
          ]),
        )
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      const res = await this.db
        .updateTable("jobs")
        .set({
          status: "running",
          attempts: candidate.attempts + 1,
          locked_by: this.workerId,
          lease_until: now + this.opts.leaseMs,
          updated_at: now,
        })
        .where("id", "=", candidate.id)
        .where("status", "=", candidate.status)
        .where("attempts", "=", candidate.attempts)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        if (candidate.status === "running")
          this.opts.log.warn({ jobId: candidate.id, kind }, "reclaimed a job whose worker stopped answering");
        return { ...candidate, attempts: candidate.attempts + 1 };
      }
    }
  }

  private launch(job: Claimed, handler: JobHandler<unknown>): void {
    const controller = new AbortController();
    const heartbeat = setInterval(() => void this.extendLease(job.id, controller), Math.max(50, this.opts.leaseMs / 3));
    const done = this.execute(job, handler, controller.signal)
      .catch((err: unknown) => this.opts.log.error({ err, jobId: job.id }, "job bookkeeping failed"))
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { kind: job.kind, controller, done });
  }

  private async execute(job: Claimed, handler: JobHandler<unknown>, signal: AbortSignal): Promise<void> {
    const payload: unknown = JSON.parse(job.payload);
    if (job.attempts > job.max_attempts) {
      const reason = `it was interrupted ${job.max_attempts} times${job.last_error ? ` (last error: ${job.last_error})` : " (the server stopped while it ran)"}`;
      await handler.abandon(payload, reason);
      await this.finish(job.id, "failed", reason);
      return;
    }
    try {
      await handler.run(payload, { jobId: String(job.id), attempt: job.attempts, signal });
      await this.finish(job.id, "done", null);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (signal.aborted) {
        // Stopped, not failed: hand it back untouched so the next start runs it at once.
        await this.release(job.id, job.attempts - 1);
        return;
      }
      this.opts.log.error({ err, jobId: job.id, kind: job.kind }, "job failed");
      if (job.attempts < job.max_attempts) await this.release(job.id, job.attempts, message);
      else {
        await handler.abandon(payload, message);
        await this.finish(job.id, "failed", message);
      }
    }
  }

  private async extendLease(id: number, controller: AbortController): Promise<void> {
    const now = this.clock.now();
    const res = await this.db
      .updateTable("jobs")
      .set({ lease_until: now + this.opts.leaseMs, updated_at: now })
      .where("id", "=", id)
      .where("locked_by", "=", this.workerId)
      .where("status", "=", "running")
      .executeTakeFirst()
      .catch((err: unknown) => {
        this.opts.log.error({ err, jobId: id }, "job heartbeat failed");
        return undefined;
      });
    // Someone else holds the job now (this process stalled past its lease): stop working on it.
    if (res && Number(res.numUpdatedRows) === 0) controller.abort(new Error("The job's lease was lost."));
  }

  private async finish(id: number, status: "done" | "failed", error: string | null): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({ status, last_error: error, locked_by: null, lease_until: null, updated_at: this.clock.now() })
      .where("id", "=", id)
      .where("locked_by", "=", this.workerId)
      .execute();
  }

  private async release(id: number, attempts: number, error?: string): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({
        status: "queued",
        attempts,
        locked_by: null,
        lease_until: null,
        updated_at: this.clock.now(),
        ...(error ? { last_error: error } : {}),
      })
      .where("id", "=", id)
      .where("locked_by", "=", this.workerId)
      .execute();
  }
}
