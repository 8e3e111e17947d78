import { SqliteDialect, SqliteDriver, type CompiledQuery, type DatabaseConnection, type Driver, type Kysely, type QueryCompiler } from "kysely";
import type SQLite from "better-sqlite3";

/** Prepares a statement once per SQL text (see database.ts); `prepareRaw` gives one that returns rows as arrays. */
export interface StatementCache {
  prepare(sql: string): SQLite.Statement;
  prepareRaw(sql: string): SQLite.Statement;
  close(): void;
}

/**
 * Kysely's SQLite driver, knowing whether its one connection is taken. While it is free, no transaction is open on
 * it, and a read may run on the spot: better-sqlite3 is synchronous, so nothing can start in between.
 */
class TrackedSqliteDriver implements Driver {
  private readonly inner: SqliteDriver;
  taken = false;

  constructor(statements: StatementCache) {
    this.inner = new SqliteDriver({ database: statements });
  }

  init = () => this.inner.init();
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    this.taken = true;
    return connection;
  }
  async releaseConnection(): Promise<void> {
    this.taken = false;
    await this.inner.releaseConnection();
  }
  beginTransaction = (c: DatabaseConnection) => this.inner.beginTransaction(c);
  commitTransaction = (c: DatabaseConnection) => this.inner.commitTransaction(c);
  rollbackTransaction = (c: DatabaseConnection) => this.inner.rollbackTransaction(c);
  savepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) => this.inner.savepoint(c, name, compile);
  rollbackToSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) => this.inner.rollbackToSavepoint(c, name, compile);
  releaseSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) => this.inner.releaseSavepoint(c, name, compile);
  destroy = () => this.inner.destroy();
}

/** A SQLite dialect whose driver can answer reads at once; `readNow` below uses it. */
export function sqliteDialect(statements: StatementCache): { dialect: SqliteDialect; driver: TrackedSqliteDriver } {
  const driver = new TrackedSqliteDriver(statements);
  const dialect = new (class extends SqliteDialect {
    override createDriver(): Driver {
      return driver;
    }
  })({ database: statements });
  return { dialect, driver };
}

const readers = new WeakMap<object, (query: CompiledQuery) => unknown[][] | undefined>();

export function registerReader(db: Kysely<any>, driver: TrackedSqliteDriver, statements: StatementCache): void {
  readers.set(db, (query) => (driver.taken ? undefined : (statements.prepareRaw(query.sql).all(query.parameters as unknown[]) as unknown[][])));
}

/**
 * The rows of a read as arrays (columns in the order selected), now, when `db` is a SQLite store whose connection is
 * free; otherwise undefined, and the caller goes through Kysely (PostgreSQL, a transaction, or a connection in use).
 * Going around Kysely's executor spares a read its connection hand-off, a mutex promise and four async hops; arrays
 * spare better-sqlite3 setting each column on a new object by name through V8's API, which cost more than the query.
 */
export function readNow(db: object, query: CompiledQuery): unknown[][] | undefined {
  return readers.get(db)?.(query);
}
