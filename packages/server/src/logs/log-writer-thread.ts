import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompiledQuery } from "kysely";
import type { SinkWriter } from "./log-sink";

export interface WriteRequest {
  id: number;
  /** The statements of one flush; undefined asks the thread to close its connection. */
  batch?: Array<{ sql: string; parameters: readonly unknown[] }>;
}
export type WriteReply = { id: number; ids?: number[][]; error?: string; closed?: true };

/**
 * Writes the log sink's statements on a thread of its own, through a connection of its own to the store (the thread's
 * module: `sqlite-log-writer.worker` or `pg-log-writer.worker`), each flush in one transaction, answering each
 * statement's first column. The thread starts on the first write and again after a failure.
 */
export class LogWriterThread implements SinkWriter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: WriteReply) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly module: "sqlite-log-writer.worker" | "pg-log-writer.worker",
    private readonly workerData: unknown,
  ) {}

  async write(statements: readonly CompiledQuery[]): Promise<number[][]> {
    const reply = await this.send(statements.map(({ sql, parameters }) => ({ sql, parameters })));
    if (reply.error !== undefined) throw new Error(`Log write failed: ${reply.error}`);
    return reply.ids!;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    // The thread closes its connection (on SQLite checkpointing the WAL when it is the last) before it is stopped.
    await this.send(undefined).catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private send(batch: WriteRequest["batch"]): Promise<WriteReply> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Referenced while a write is out, so that an exiting server still waits for its last flush.
      worker.ref();
      worker.postMessage({ id, batch } satisfies WriteRequest);
    });
  }

  private start(): Worker {
    const worker = startWorker(this.module, this.workerData);
    worker.on("message", (reply: WriteReply) => {
      const pending = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      // Idle, it must not keep the process alive; the sink's own timers decide when a flush is due.
      if (this.waiting.size === 0) worker.unref();
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`The log writer thread exited (code ${code})`)));
    return worker;
  }
}

/**
 * The thread runs the compiled module in dist/, also when this file runs from the sources (tests, tsx scripts), as the
 * function runner's child does (runtime's runner-entries.ts): the test run and `npm run bench` compile dist/ from the
 * current sources first. A worker thread inherits no loader, so from the sources it once registered tsx in the thread:
 * a loader thread of its own transpiling the store's modules, two to three seconds of CPU for every server started, which
 * a CI run's in-process servers paid some 140 times (decisions.md, "Running TypeScript").
 */
function startWorker(module: string, workerData: unknown): Worker {
  const compiled = import.meta.url.endsWith(".ts") ? `../../dist/logs/${module}.js` : `./${module}.js`;
  const url = new URL(compiled, import.meta.url);
  if (!existsSync(url))
    throw new Error(`The log writer's script ${fileURLToPath(url)} is missing: run \`npm run build\` (npm install does).`);
  return new Worker(url, { workerData });
}
