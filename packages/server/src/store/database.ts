import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import { registerReader, sqliteDialect } from "./sqlite-now";
import { withStatementCache } from "./statement-cache";
import { prepareSqliteConnection } from "./sqlite-connection";
import { registerPool } from "./pg-prepared";
import type { Database } from "./schema";

export type Engine = "sqlite" | "postgres";

/** The store: one typed query layer over either engine. */
export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** The SQLite file (its log tables in `logsFileOf(file)`, attached); undefined on PostgreSQL. */
  file: string | undefined;
  close(): Promise<void>;
}

// BIGINT columns hold epoch milliseconds and counters, all well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openSqlite(file: string): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  prepareSqliteConnection(sqlite, file, 5000);
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
