import { Worker } from "node:worker_threads";
import type { CompiledQuery } from "kysely";
import type { SinkWriter } from "./log-sink";
import { sqlitePragmas } from "../store/database";
import type { WriteReply as Reply, WriteRequest, WriterData } from "./sqlite-log-writer.worker";

/**
 * Writes the log sink's INSERTs on a thread of its own, through a second connection to the store's SQLite file. On
 * the request thread, storing every API call (four B-trees per row) took about a tenth of a CRM read's time; here it
 * runs beside requests. WAL lets both connections work at once; their write transactions take turns (the server's
 * own write waits at most one flush's INSERT). The worker starts on the first write and again after a failure.
 */
export class SqliteLogWriter implements SinkWriter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  constructor(private readonly file: string) {}

  async write(statements: readonly CompiledQuery[]): Promise<number[][]> {
    const reply = await this.send(statements.map(({ sql, parameters }) => ({ sql, parameters })));
    if (reply.error !== undefined) throw new Error(`Log write failed: ${reply.error}`);
    return reply.ids!;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    // The thread closes its connection (checkpointing the WAL when it is the last) before it is stopped.
    await this.send(undefined).catch(() => undefined);
    this.worker = undefined;
    await worker.terminate();
  }

  private send(batch: WriteRequest["batch"]): Promise<Reply> {
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
    // Off the request thread, waiting for the server's own write transactions costs nobody anything: 30 s.
    const workerData: WriterData = { file: this.file, pragmas: sqlitePragmas(30_000) };
    const worker = startWorker(workerData);
    worker.on("message", (reply: Reply) => {
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
 * Compiled (dist/), the thread runs the .js module beside this one. From the sources (tests, tsx) it runs the .ts, and
 * a worker thread inherits no loader (nor does Node 20 apply `--import tsx` to a worker's entry): an entry given as
 * code registers tsx in the thread first.
 */
function startWorker(workerData: WriterData): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./sqlite-log-writer.worker.js", import.meta.url), { workerData });
  const source = new URL("./sqlite-log-writer.worker.ts", import.meta.url).href;
  // A promise chain: an eval'd entry runs as a script, where top-level await is not allowed.
  return new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, {
    eval: true,
    workerData,
  });
}
