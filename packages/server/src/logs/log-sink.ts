import type { CompiledQuery, Insertable, Kysely, Selectable } from "kysely";
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
/** Rows per INSERT statement: few statements per flush, and 17 columns stay far below PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 50;

/** Every column but the id, per table: the parameter's type makes each list name every column, and only those. */
const columnsOf = <T extends SinkTable>(names: Record<Exclude<keyof SinkTables[T], "id">, true>) => Object.keys(names) as string[];
const COLUMNS: Record<SinkTable, readonly string[]> = {
  api_calls: columnsOf<"api_calls">({
    account_id: true,
    app_id: true,
    token_id: true,
    method: true,
    path: true,
    query: true,
    status: true,
    duration_ms: true,
    user_agent: true,
    address: true,
    trace_id: true,
    span_id: true,
    parent_span_id: true,
    request_headers: true,
    request_body: true,
    response_body: true,
    created_at: true,
  }),
  function_runs: columnsOf<"function_runs">({
    account_id: true,
    app_id: true,
    build_id: true,
    function_name: true,
    outcome: true,
    duration_ms: true,
    peak_rss_bytes: true,
    logs: true,
    error_type: true,
    error_message: true,
    error_stack: true,
    trace_id: true,
    span_id: true,
    parent_span_id: true,
    invoker_user_id: true,
    invoker_label: true,
    created_at: true,
  }),
  extension_events: columnsOf<"extension_events">({
    account_id: true,
    app_id: true,
    user_id: true,
    card_uid: true,
    location: true,
    object_type_id: true,
    object_id: true,
    kind: true,
    level: true,
    message: true,
    duration_ms: true,
    trace_id: true,
    span_id: true,
    parent_span_id: true,
    created_at: true,
  }),
};

export type StoredRow = { [T in SinkTable]: { table: T; row: Selectable<SinkTables[T]> } }[SinkTable];

export interface SinkOptions {
  /** Longest an event waits in memory before it is written. */
  flushMs: number;
  /** Rows per INSERT; reaching it flushes at once. */
  maxBatch: number;
  /** Events held while the store is slow; beyond it new events are dropped and counted, never blocking a request. */
  maxPending: number;
}

/** Runs a flush's INSERTs in one transaction and answers the ids each returned. */
export interface SinkWriter {
  write(statements: readonly CompiledQuery[]): Promise<number[][]>;
  close(): Promise<void>;
}

export const DEFAULT_SINK_OPTIONS: SinkOptions = { flushMs: 200, maxBatch: 500, maxPending: 50_000 };

/** Stored rows, built on first call: only a follower or an exporter asks for them. */
export type StoredRows = () => readonly StoredRow[];

/** Waiting rows per table, as their INSERTs' parameters: up to ROWS_PER_STATEMENT rows' values per array, in COLUMNS order. */
type Pending = Record<SinkTable, unknown[][]>;
const nothingPending = (): Pending => ({ api_calls: [], function_runs: [], extension_events: [] });

/**
 * Takes log rows on the request path, writes them in multi-row INSERTs off it: every `flushMs`, at `maxBatch` rows,
 * and on close. One flush runs at a time, so rows are written in the order they came. A row is copied into its
 * statement's parameters when it is added and the object is let go: kept as objects until the write came back (a
 * flush's worth of rows, 100 to 200 ms), each row outlived the young generation and was copied by the GC, then
 * completed with its id, then wrapped for `onWritten`, all on the request thread, for followers that are mostly absent.
 */
export class LogSink {
  private pending = nothingPending();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly compiled = new Map<string, CompiledQuery>();
  /** Events refused because too many were waiting, or lost because their INSERT failed. */
  dropped = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: SinkWriter,
    private readonly onWritten: (rows: StoredRows) => void,
    private readonly onError: (error: unknown) => void,
    private readonly opts: SinkOptions = DEFAULT_SINK_OPTIONS,
  ) {}

  add<T extends SinkTable>(table: T, row: Insertable<SinkTables[T]>): void {
    if (this.closed || this.count >= this.opts.maxPending) {
      this.dropped++;
      return;
    }
    const columns = COLUMNS[table];
    const statements = this.pending[table];
    let values = statements[statements.length - 1];
    if (!values || values.length === columns.length * ROWS_PER_STATEMENT) statements.push((values = []));
    for (const c of columns) values.push((row as Record<string, unknown>)[c] ?? null);
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
    this.pending = nothingPending();
    this.count = 0;
    this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.writer.close();
  }

  /**
   * Statements of up to ROWS_PER_STATEMENT rows, each INSERT compiled once per size and reused: building and
   * compiling a 500-row INSERT (8,500 values) on every flush made Kysely allocate more per logged call than the call's
   * own handler did. Only the ids come back (reading back whole rows cost a third of the INSERT); ids are drawn in the
   * order the rows are listed, so the ascending ids pair with the rows in order, whatever order RETURNING lists them in.
   */
  private async insert(table: SinkTable, statements: readonly unknown[][]): Promise<number[][]> {
    const width = COLUMNS[table].length;
    const ids = await this.writer.write(
      statements.map((parameters) => ({ ...this.compiledInsert(table, parameters.length / width), parameters })),
    );
    return ids.map((each) => each.sort((a, b) => a - b));
  }

  private compiledInsert(table: SinkTable, rowCount: number): CompiledQuery {
    const key = `${table}|${rowCount}`;
    let query = this.compiled.get(key);
    if (!query) {
      const blank = Object.fromEntries(COLUMNS[table].map((c) => [c, null]));
      // The union of three tables is too wide for Kysely's overloads; the columns are those of `table`.
      query = this.db
        .insertInto(table)
        .values(Array.from({ length: rowCount }, () => blank) as never)
        .returning("id")
        .compile();
      this.compiled.set(key, query);
    }
    return query;
  }

  /** Each chunk of `maxBatch` rows in one transaction; the stored rows (absent columns null, the id added) on demand. */
  private async write(batch: Pending): Promise<void> {
    const written: Array<{ table: SinkTable; statements: unknown[][]; ids: number[][] }> = [];
    const perWrite = Math.max(1, Math.ceil(this.opts.maxBatch / ROWS_PER_STATEMENT));
    for (const table of TABLES) {
      const statements = batch[table];
      for (let i = 0; i < statements.length; i += perWrite) {
        const chunk = statements.slice(i, i + perWrite);
        try {
          written.push({ table, statements: chunk, ids: await this.insert(table, chunk) });
        } catch (e) {
          this.dropped += chunk.reduce((n, values) => n + values.length / COLUMNS[table].length, 0);
          this.onError(e);
        }
      }
    }
    if (written.length === 0) return;
    let rows: StoredRow[] | undefined;
    try {
      this.onWritten(() => (rows ??= written.flatMap(storedRows)));
    } catch (e) {
      this.onError(e);
    }
  }
}

/** The stored rows of written statements: each row's values under its column names, and its id. */
function storedRows({ table, statements, ids }: { table: SinkTable; statements: unknown[][]; ids: number[][] }): StoredRow[] {
  const columns = COLUMNS[table];
  const out: StoredRow[] = [];
  statements.forEach((values, s) => {
    for (let r = 0, k = 0; k < values.length; r++) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c] = values[k++];
      row.id = ids[s]![r];
      out.push({ table, row } as StoredRow);
    }
  });
  return out;
}
