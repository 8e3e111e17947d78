import type SQLite from "better-sqlite3";
import type { StatementCache } from "./sqlite-now";

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing was about 5% of a CRM read.
 * Queries are built from a bounded set of shapes (values are parameters), so the caches stay small; the cap guards them.
 * The server's connection and the log writer thread's each keep one.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 2000): StatementCache {
  const cached = (raw: boolean) => {
    const statements = new Map<string, SQLite.Statement>();
    return (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= max) statements.clear();
        statement = sqlite.prepare(sql);
        if (raw) statement.raw(true);
        statements.set(sql, statement);
      }
      return statement;
    };
  };
  return { close: () => sqlite.close(), prepare: cached(false), prepareRaw: cached(true) };
}
