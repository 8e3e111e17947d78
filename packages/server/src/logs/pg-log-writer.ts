import { LogWriterThread } from "./log-writer-thread";
import type { WriterData } from "./pg-log-writer.worker";

/**
 * Writes the log sink's INSERTs on a thread of its own, through a PostgreSQL connection of its own (issue #24 item 1):
 * on the request thread, pg's work for the rows (a flush's parameters encoded, its answer parsed) cost a function
 * call about as much as its endpoint limit's Redis round trip, where the embedded store's thread
 * (sqlite-log-writer.ts) spares its request thread the same. The connection is one more per node, besides the pool.
 */
export class PgLogWriter extends LogWriterThread {
  constructor(url: string) {
    super("pg-log-writer.worker", { url } satisfies WriterData);
  }
}
