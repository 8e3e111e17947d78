import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import { registerReader, sqliteDialect } from "./sqlite-now";
import { withStatementCache } from "./statement-cache";
import { prepareSqliteConnection } from "./sqlite-connection";
import { registerPool } from "./pg-prepared";
import { DEFAULT_POOL_SIZES, LaneDialect, type PoolSizes } from "./pool-lanes";
import type { Database } from "./schema";

export type Engine = "sqlite" | "postgres";

/** The store: one typed query layer over either engine. */
export interface Store {
  db: Kysely<Database>;
  /**
   * For statements that may run long (CRM searches): with a statements' pool (store/pool-lanes.ts) they take
   * connections from the transactions' pool instead, so that however many run, reads find the statements' pool free.
   * `db` otherwise.
   */
  searchDb: Kysely<Database>;
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
  return { db, searchDb: db, engine: "sqlite", file, close: () => db.destroy() };
}

export function openPostgres(url: string, sizes: PoolSizes = DEFAULT_POOL_SIZES): Store {
  const open = (max: number) => {
    const p = new pg.Pool({ connectionString: url, max });
    // An idle connection the server ends (a restart, a failover, a dropped database) is discarded and replaced on next
    // use; without a listener its error would be thrown from the pool and kill the node.
    p.on("error", () => {});
    return p;
  };
  const pool = open(sizes.pool);
  if (sizes.statements === 0) {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    registerPool(db, pool);
    return { db, searchDb: db, engine: "postgres", file: undefined, close: () => db.destroy() };
  }
  const statements = open(sizes.statements);
  const db = new Kysely<Database>({ dialect: new LaneDialect({ transactions: pool, statements }) });
  registerPool(db, statements, pool);
  // Searches beside the transactions: however many run, and however long, reads find the statements' pool free. The
  // pool ends with `db`.
  const searchDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => {} } }) });
  return {
    db,
    searchDb,
    engine: "postgres",
    file: undefined,
    close: async () => {
      await searchDb.destroy();
      await db.destroy();
    },
  };
}

export function openStore(opts: { databaseUrl?: string | undefined; databasePool?: PoolSizes; dataDir: string }): Store {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.databasePool) : openSqlite(path.join(opts.dataDir, "sprocket.db"));
}
