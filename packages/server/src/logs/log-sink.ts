import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database } from "../store/schema";
import type { ApiCallsTable, ExtensionEventsTable, FunctionRunsTable } from "./tables";

/** The tables the sink writes (security events are written by their domains, inside their own transactions). */
export interface SinkTables {
  api_calls: ApiCallsTable;
  function_runs: FunctionRunsTable;
  extension_events: ExtensionEventsTable;
}
export type SinkTable = keyof SinkTables;
const TABLES: readonly SinkTable[] = ["api_calls", "function_runs", "extension_events"];

export type StoredRow = { [T in SinkTable]: { table: T; row: Selectable<SinkTables[T]> } }[SinkTable];

export interface SinkOptions {
  /** Longest an event waits in memory before it is written. */
  flushMs: number;
  /** Rows per INSERT; reaching it flushes at once. */
  maxBatch: number;
  /** Events held while the store is slow; beyond it new events are dropped and counted, never blocking a request. */
  maxPending: number;
}

export const DEFAULT_SINK_OPTIONS: SinkOptions = { flushMs: 200, maxBatch: 500, maxPending: 50_000 };

/**
 * Takes log rows on the request path (an array push), writes them in multi-row INSERTs off it: every `flushMs`, at
 * `maxBatch` rows, and on close. One flush runs at a time, so rows are written in the order they came.
 */
export class LogSink {
  private pending: { [T in SinkTable]: Array<Insertable<SinkTables[T]>> } = { api_calls: [], function_runs: [], extension_events: [] };
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Events refused because too many were waiting, or lost because their INSERT failed. */
  dropped = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onWritten: (rows: StoredRow[]) => void,
    private readonly onError: (error: unknown) => void,
    private readonly opts: SinkOptions = DEFAULT_SINK_OPTIONS,
  ) {}

  add<T extends SinkTable>(table: T, row: Insertable<SinkTables[T]>): void {
    if (this.closed || this.count >= this.opts.maxPending) {
      this.dropped++;
      return;
    }
    (this.pending[table] as Array<Insertable<SinkTables[T]>>).push(row);
    this.count++;
    if (this.count >= this.opts.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs).unref();
  }

  /** Writes everything taken so far; resolves when it is stored (or counted as dropped). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.count === 0) return this.chain;
    const batch = this.pending;
    this.pending = { api_calls: [], function_runs: [], extension_events: [] };
    this.count = 0;
    this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async write(batch: typeof this.pending): Promise<void> {
    const stored: StoredRow[] = [];
    for (const table of TABLES) {
      const rows = batch[table];
      for (let i = 0; i < rows.length; i += this.opts.maxBatch) {
        const chunk = rows.slice(i, i + this.opts.maxBatch);
        try {
          // The union of three tables is too wide for Kysely's overloads; each chunk holds rows of `table` only.
          const written = await this.db.insertInto(table).values(chunk as never).returningAll().execute();
          for (const row of written) stored.push({ table, row } as StoredRow);
        } catch (e) {
          this.dropped += chunk.length;
          this.onError(e);
        }
      }
    }
    if (stored.length === 0) return;
    try {
      this.onWritten(stored);
    } catch (e) {
      this.onError(e);
    }
  }
}
