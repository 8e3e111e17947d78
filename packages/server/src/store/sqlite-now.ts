import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type Kysely, type QueryCompiler } from "kysely";
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
 *
 * Reads on the spot share one read transaction per turn of the event loop. A read outside a transaction takes and
 * drops SQLite's locks itself: four fcntl and two stat system calls, about 6.5 of a point read's 8 µs here. The shared
 * snapshot ends when the turn's I/O callbacks are done (setImmediate), or before anything else takes the connection,
 * so a write always starts on a fresh snapshot and a read never waits on one. A request whose bytes had arrived when
 * the turn began sees every write committed before it, from this process or another.
 */
class TrackedSqliteDriver implements Driver {
  private readonly inner: SqliteDriver;
  taken = false;
  private snapshot = false;

  constructor(private readonly statements: StatementCache) {
    this.inner = new SqliteDriver({ database: statements });
  }

  /** The rows of `query` now, as arrays, or undefined when the connection is taken. */
  read(sql: string, parameters: readonly unknown[]): unknown[][] | undefined {
    if (this.taken) return undefined;
    if (!this.snapshot) this.beginSnapshot();
    return this.statements.prepareRaw(sql).all(parameters as unknown[]) as unknown[][];
  }

  /** The first row of `query` now, as an array (null when there is none), or undefined when the connection is taken. */
  readFirst(sql: string, parameters: readonly unknown[]): unknown[] | null | undefined {
    if (this.taken) return undefined;
    if (!this.snapshot) this.beginSnapshot();
    return (this.statements.prepareRaw(sql).get(parameters as unknown[]) as unknown[] | undefined) ?? null;
  }

  /**
   * `PRAGMA data_version`: it changes when another connection has committed to the main file. Safe while the
   * connection is taken: a pragma read, and a write transaction (BEGIN IMMEDIATE) keeps other connections from
   * committing meanwhile.
   */
  dataVersion(): number {
    return (this.statements.prepareRaw("pragma data_version").get() as unknown[])[0] as number;
  }

  private beginSnapshot(): void {
    this.statements.prepare("begin").run();
    this.snapshot = true;
    setImmediate(this.endSnapshot);
  }

  private readonly endSnapshot = () => {
    if (!this.snapshot) return;
    this.snapshot = false;
    this.statements.prepare("commit").run();
  };

  init = () => this.inner.init();
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    this.endSnapshot();
    this.taken = true;
    return connection;
  }
  async releaseConnection(): Promise<void> {
    this.taken = false;
    await this.inner.releaseConnection();
  }
  /**
   * BEGIN IMMEDIATE: the log writer thread writes through a second connection, and a deferred transaction that read
   * before that thread committed could never take the write lock (SQLITE_BUSY_SNAPSHOT, at once, whatever the busy
   * timeout). Taking it up front makes the transaction wait its turn instead.
   */
  beginTransaction = async (c: DatabaseConnection) => {
    await c.executeQuery(CompiledQuery.raw("begin immediate"));
  };
  commitTransaction = (c: DatabaseConnection) => this.inner.commitTransaction(c);
  rollbackTransaction = (c: DatabaseConnection) => this.inner.rollbackTransaction(c);
  savepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) => this.inner.savepoint(c, name, compile);
  rollbackToSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) =>
    this.inner.rollbackToSavepoint(c, name, compile);
  releaseSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) =>
    this.inner.releaseSavepoint(c, name, compile);
  destroy = async () => {
    this.endSnapshot();
    await this.inner.destroy();
  };
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

const readers = new WeakMap<object, TrackedSqliteDriver>();

export function registerReader(db: Kysely<any>, driver: TrackedSqliteDriver): void {
  readers.set(db, driver);
}

/**
 * The rows of a read as arrays (columns in the order selected), now, when `db` is a SQLite store whose connection is
 * free; otherwise undefined, and the caller goes through Kysely (PostgreSQL, a transaction, or a connection in use).
 * Going around Kysely's executor spares a read its connection hand-off, a mutex promise and four async hops; arrays
 * spare better-sqlite3 setting each column on a new object by name through V8's API, which cost more than the query.
 */
export function readNow(db: object, sql: string, parameters: readonly unknown[]): unknown[][] | undefined {
  return readers.get(db)?.read(sql, parameters);
}

/**
 * The first row of a read (null when none), now, as `readNow` reads: better-sqlite3's `get` stops at the first row and
 * builds no array of rows around it (a point read by primary key in a loop: 1.28 against 1.45 µs).
 */
export function readFirstNow(db: object, sql: string, parameters: readonly unknown[]): unknown[] | null | undefined {
  return readers.get(db)?.readFirst(sql, parameters);
}

/** The SQLite store's `PRAGMA data_version` (see TrackedSqliteDriver.dataVersion); undefined on PostgreSQL. */
export function dataVersion(db: object): number | undefined {
  return readers.get(db)?.dataVersion();
}
