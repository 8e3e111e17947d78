import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import { registerReader, sqliteDialect } from "./sqlite-now";
import { withStatementCache } from "./statement-cache";
import { registerPool } from "./pg-prepared";
import type { Database } from "./schema";

export type Engine = "sqlite" | "postgres";

/** The store: one typed query layer over either engine. */
export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** The SQLite file; undefined on PostgreSQL. */
  file: string | undefined;
  close(): Promise<void>;
}

// BIGINT columns hold epoch milliseconds and counters, all well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Every connection to the store's file is set up alike: the server's, and the log writer thread's (which waits longer). */
export const sqlitePragmas = (busyTimeoutMs: number) => [
  "journal_mode = WAL",
  "synchronous = NORMAL",
  "foreign_keys = ON",
  `busy_timeout = ${busyTimeoutMs}`,
  // Reads map the file instead of copying each page through a read call into a 16 MB page cache: a million contacts
  // are a 1.7 GB file, and a search's scattered lookups missed that cache on nearly every page (a selective search's
  // page query, 30 ms of CPU against 10). The build caps the mapping at 2 GB; pages past it are read as before.
  `mmap_size = ${2 ** 31}`,
];

export function openSqlite(file: string): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  for (const pragma of sqlitePragmas(5000)) sqlite.pragma(pragma);
  const statements = withStatementCache(sqlite);
  const { dialect, driver } = sqliteDialect(statements);
  const db = new Kysely<Database>({ dialect });
  registerReader(db, driver);
  return { db, engine: "sqlite", file, close: () => db.destroy() };
}

export function openPostgres(url: string, poolSize = 10): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server ends (a restart, a failover, a dropped database) is discarded and replaced on next
  // use; without a listener its error would be thrown from the pool and kill the node.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  registerPool(db, pool);
  return { db, engine: "postgres", file: undefined, close: () => db.destroy() };
}

export function openStore(opts: { databaseUrl?: string | undefined; dataDir: string }): Store {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openSqlite(path.join(opts.dataDir, "sprocket.db"));
}
