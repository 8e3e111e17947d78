import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import type { LogsConfig } from "../config";
import { InProcessLogBus, type LogBus, type LogEntry } from "./log-bus";
import { DEFAULT_SINK_OPTIONS, LogSink, type SinkOptions, type SinkWriter, type StoredRow } from "./log-sink";
import { apiCallView, extensionEventView, functionRunView } from "./log-views";
import { OtlpExporter } from "./otlp-export";
import { pruneLogs } from "./retention";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogsOptions extends LogsConfig {
  sink?: SinkOptions;
}

const entryOf = ({ table, row }: StoredRow): LogEntry =>
  table === "api_calls"
    ? { kind: "api-calls", accountId: row.account_id, appId: row.app_id, view: apiCallView(row) }
    : table === "function_runs"
      ? { kind: "functions", accountId: row.account_id, appId: row.app_id, view: functionRunView(row) }
      : { kind: "extensions", accountId: row.account_id, appId: row.app_id, view: extensionEventView(row) };

/** The log domain's running parts: the sink, the follow bus, the optional OTLP exporter and pruning (logs/retention-job.ts runs it). */
export class Logs {
  readonly sink: LogSink;
  readonly exporter: OtlpExporter | undefined;
  private pruning: Promise<unknown> = Promise.resolve();
  private closing = false;

  /** `onError` is where background failures (a failed INSERT, an unreachable collector) are reported: the server log. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly options: LogsOptions,
    readonly onError: (error: unknown, what: string) => void,
    /** The store's log writer thread (sqlite-log-writer.ts, pg-log-writer.ts). */
    private readonly writer: SinkWriter,
    readonly bus: LogBus = new InProcessLogBus(),
  ) {
    this.exporter = options.otlpEndpoint ? new OtlpExporter(options.otlpEndpoint, (e) => this.onError(e, "OTLP export")) : undefined;
    this.sink = new LogSink(
      db,
      writer,
      (rows) => {
        this.bus.publish(() => rows().map(entryOf));
        this.exporter?.export(rows());
      },
      (e) => this.onError(e, "log write"),
      options.sink ?? DEFAULT_SINK_OPTIONS,
    );
  }

  /**
   * Deletes what is older than the retention period; returns the rows deleted per table. The chunks go through the
   * sink's writer thread, whose connection is not the request thread's (on SQLite a chunk run there stopped every
   * request while it ran), and which writes the log INSERTs between two chunks.
   */
  prune(): Promise<Record<string, number>> {
    const run = async (statement: CompiledQuery) => (await this.writer.write([statement]))[0]!;
    const next = this.pruning.then(() =>
      pruneLogs(this.db, run, this.clock.now() - this.options.retentionDays * DAY_MS, { stopped: () => this.closing }),
    );
    this.pruning = next.catch(() => undefined);
    return next;
  }

  /** Everything recorded so far is stored and handed to the exporter. */
  async flush(): Promise<void> {
    await this.sink.flush();
    await this.exporter?.flush();
  }

  /** Writes what is pending and waits for the export and a prune under way: call before the store closes. */
  async close(): Promise<void> {
    // A prune under way stops after its chunk (the next run carries on), before the writer it deletes through closes.
    this.closing = true;
    await this.pruning;
    await this.sink.close();
    await this.exporter?.close();
  }
}
