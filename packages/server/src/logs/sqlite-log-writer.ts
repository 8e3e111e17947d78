import { LogWriterThread } from "./log-writer-thread";
import type { WriterData } from "./sqlite-log-writer.worker";

/**
 * Writes the log sink's INSERTs on a thread of its own, through a second connection to the store's SQLite files (the
 * log tables live in the attached log file: store/sqlite-connection.ts). On the request thread, storing every API call
 * (four B-trees per row) took about a tenth of a CRM read's time; here it runs beside requests. WAL lets both
 * connections work at once; their write transactions take turns (the server's own write waits at most one flush's
 * INSERT).
 */
export class SqliteLogWriter extends LogWriterThread {
  constructor(file: string) {
    // Off the request thread, waiting for the server's own write transactions costs nobody anything: 30 s.
    super("sqlite-log-writer.worker", { file, busyTimeoutMs: 30_000 } satisfies WriterData);
  }
}
