import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import { ConfigError } from "../config";
import { InProcessLogBus, type LogBus, type LogEntry } from "./log-bus";
import { DEFAULT_SINK_OPTIONS, LogSink, storeWriter, type SinkOptions, type SinkWriter, type StoredRow } from "./log-sink";
import { apiCallView, extensionEventView, functionRunView } from "./log-views";
import { OtlpExporter } from "./otlp-export";
import { pruneLogs } from "./retention";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogsOptions {
  retentionDays: number;
  /** Off only where API calls must not be recorded at all (`SPROCKET_LOG_API_CALLS=false`); the benchmark's baseline. */
  recordApiCalls: boolean;
  otlpEndpoint: string | undefined;
  sink: SinkOptions;
}

/**
 * `SPROCKET_LOG_RETENTION_DAYS` (default 30), `SPROCKET_OTLP_ENDPOINT` (a collector's base URL, export off when unset) and
 * `SPROCKET_LOG_API_CALLS` (default true).
 */
export function logsOptions(env: NodeJS.ProcessEnv = process.env): LogsOptions {
  const days = z.coerce.number().int().min(1).max(3650).safeParse(env.SPROCKET_LOG_RETENTION_DAYS ?? 30);
  if (!days.success) throw new ConfigError("SPROCKET_LOG_RETENTION_DAYS", `must be a whole number of days from 1 to 3650 (got ${JSON.stringify(env.SPROCKET_LOG_RETENTION_DAYS)})`);
  const endpoint = env.SPROCKET_OTLP_ENDPOINT || undefined;
  if (endpoint !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(endpoint).success) {
    throw new ConfigError("SPROCKET_OTLP_ENDPOINT", `must be an http:// or https:// URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (got ${JSON.stringify(endpoint)})`);
  }
  const apiCalls = env.SPROCKET_LOG_API_CALLS ?? "true";
  if (apiCalls !== "true" && apiCalls !== "false") throw new ConfigError("SPROCKET_LOG_API_CALLS", `must be true or false (got ${JSON.stringify(apiCalls)})`);
  return { retentionDays: days.data, recordApiCalls: apiCalls === "true", otlpEndpoint: endpoint, sink: DEFAULT_SINK_OPTIONS };
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

  /** `onError` is where background failures (a failed INSERT, an unreachable collector) are reported: the server log. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly options: LogsOptions,
    readonly onError: (error: unknown, what: string) => void,
    readonly bus: LogBus = new InProcessLogBus(),
    writer: SinkWriter = storeWriter(db),
  ) {
    this.exporter = options.otlpEndpoint ? new OtlpExporter(options.otlpEndpoint, (e) => this.onError(e, "OTLP export")) : undefined;
    this.sink = new LogSink(
      db,
      writer,
      (rows) => {
        this.bus.publish(() => rows.map(entryOf));
        this.exporter?.export(rows);
      },
      (e) => this.onError(e, "log write"),
      options.sink,
    );
  }

  /** Deletes what is older than the retention period; returns the rows deleted per table. */
  prune(): Promise<Record<string, number>> {
    const next = this.pruning.then(() => pruneLogs(this.db, this.clock.now() - this.options.retentionDays * DAY_MS));
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
    await this.sink.close();
    await this.exporter?.flush();
    await this.pruning;
  }
}
