import { sql, type CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../store/schema";

const LOG_TABLES = [
  "api_calls",
  "function_runs",
  "extension_events",
  "security_events",
  "webhook_deliveries",
  "workflow_action_calls",
] as const;
export type LogTable = (typeof LOG_TABLES)[number];

/**
 * Rows per DELETE. On SQLite a chunk holds the one write lock while it runs, and a server write that wants it waits
 * (its thread blocked in SQLite's busy handler): a thousand rows with their four index entries each take a few
 * milliseconds, the longest wait a retention run can give a write.
 */
export const PRUNE_CHUNK = 1000;

/**
 * Runs one chunk's DELETE in a transaction of its own and answers the first column of the rows it returned: on the
 * log writer thread's connection (sqlite-log-writer.ts, pg-log-writer.ts), so deleting costs the request thread nothing
 * and takes turns with the log INSERTs.
 */
export type ChunkRunner = (statement: CompiledQuery) => Promise<number[]>;

export interface PruneOptions {
  chunk?: number;
  /** Waits between chunks; by default as long as the chunk took, so that retention has the lock at most half the time. */
  pause?: (chunkMs: number) => Promise<void>;
  /** Asked between chunks: true ends the run early (the server is closing). */
  stopped?: () => boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes every log row older than `cutoff`, table by table, oldest first in chunks found through the time index. Each
 * chunk starts where the last one ended (its newest `created_at`): on PostgreSQL the deleted rows' index entries stay
 * until vacuum, and a scan from the start of the index would step over all of them again on every chunk.
 */
export async function pruneLogs(
  db: Kysely<Database>,
  run: ChunkRunner,
  cutoff: number,
  opts: PruneOptions = {},
): Promise<Record<LogTable, number>> {
  const chunk = opts.chunk ?? PRUNE_CHUNK;
  const pause = opts.pause ?? sleep;
  const deleted = Object.fromEntries(LOG_TABLES.map((t) => [t, 0])) as Record<LogTable, number>;
  for (const table of LOG_TABLES) {
    let from = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const statement = db
        .deleteFrom(table)
        .where(
          "id",
          "in",
          db
            .selectFrom(table)
            .select("id")
            .where("created_at", ">=", from)
            .where("created_at", "<", cutoff)
            .orderBy("created_at")
            .limit(chunk),
        )
        // Answered as `id` because that is the column the log writers read back from an INSERT.
        .returning(sql<number>`created_at`.as("id"))
        .compile();
      const started = performance.now();
      const times = await run(statement);
      deleted[table] += times.length;
      if (times.length < chunk || opts.stopped?.()) break;
      from = Math.max(from, ...times);
      await pause(performance.now() - started);
    }
  }
  return deleted;
}
