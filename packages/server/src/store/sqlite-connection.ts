import path from "node:path";
import type SQLite from "better-sqlite3";

/** The schema name under which every connection attaches the log file (see `logsFileOf`). */
export const LOGS_SCHEMA = "logs";

/**
 * The log file beside the store's file: `sprocket.db` → `sprocket-logs.db`. The log sink's tables live there (migration
 * 020) so that the log writer thread's commits, every flush, leave the main file's WAL alone: each commit to a file
 * makes every other connection to it drop its page cache before its next read, and CRM reads after each flush read
 * their pages in again (a selective million-contact search, 16 ms of CPU without the log, 36–46 ms with it).
 */
export function logsFileOf(file: string): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-logs${ext}`;
}

/**
 * Sets up a connection to the store's file alike for the server and the log writer thread (which waits longer): the log
 * file attached as `logs`, where unqualified names find the log tables, and each file in WAL mode.
 */
export function prepareSqliteConnection(sqlite: SQLite.Database, file: string, busyTimeoutMs: number): void {
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.prepare(`attach database ? as ${LOGS_SCHEMA}`).run(logsFileOf(file));
  for (const schema of ["main", LOGS_SCHEMA]) {
    sqlite.pragma(`${schema}.journal_mode = WAL`);
    sqlite.pragma(`${schema}.synchronous = NORMAL`);
    // Reads map the file instead of copying each page through a read call into a 16 MB page cache: a million contacts
    // are a 1.7 GB file, and a search's scattered lookups missed that cache on nearly every page (a selective search's
    // page query, 30 ms of CPU against 10). The build caps the mapping at 2 GB; pages past it are read as before.
    sqlite.pragma(`${schema}.mmap_size = ${2 ** 31}`);
  }
}
