import type pg from "pg";
import {
  PostgresDialect,
  PostgresDriver,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/**
 * Connections a PostgreSQL store opens at most (SPROCKET_DATABASE_CONNECTIONS, SPROCKET_DATABASE_STATEMENT_CONNECTIONS):
 * one pool for everything when `statements` is 0, otherwise `pool` for transactions and searches and `statements` for
 * every other statement run outside a transaction.
 */
export interface PoolSizes {
  pool: number;
  statements: number;
}

/** One pool of 10, as before the lanes: in the 200-client mix they raised reads and cut writes (docs/decisions.md). */
export const DEFAULT_POOL_SIZES: PoolSizes = { pool: 10, statements: 0 };

/** The two pools of a PostgreSQL store: one for transactions, one for statements run on their own. */
export interface PoolLanes {
  transactions: pg.Pool;
  statements: pg.Pool;
}

/** Kysely's own PostgreSQL connection class, which its driver's methods take (the class itself is not exported). */
type PgConnection = Parameters<PostgresDriver["releaseConnection"]>[0];

interface Held {
  driver: PostgresDriver;
  connection: PgConnection;
}

/**
 * What Kysely takes as a connection: no pool connection until its first statement, which takes one from the
 * statements' pool, or until a transaction begins on it, which takes one from the transactions' pool. Kysely asks for
 * a connection before it says whether a transaction will run on it, so the choice waits until then.
 */
class LaneConnection implements DatabaseConnection {
  private held: Promise<Held> | undefined;

  constructor(private readonly statements: PostgresDriver) {}

  /** The pool connection, taken from `driver`'s pool if there is none yet. */
  take(driver: PostgresDriver): Promise<Held> {
    // PostgresDriver hands out its PostgresConnection typed as any driver's connection.
    this.held ??= driver.acquireConnection().then((connection) => ({ driver, connection: connection as PgConnection }));
    return this.held;
  }

  /** The connection held, if one was taken (a failed take holds none). */
  async taken(): Promise<Held | undefined> {
    return this.held?.catch(() => undefined);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return (await this.take(this.statements)).connection.executeQuery<R>(query);
  }

  // Kysely's `stream(chunkSize)` always passes its size.
  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    yield* (await this.take(this.statements)).connection.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Kysely's PostgreSQL driver over two pools (issue #24 item 5), when the operator gives statements a pool of their
 * own. In the 200-client mix every connection of the one pool was taken and about 130 requests waited for one, a
 * read's single statement behind the write clients' transactions, each of which holds its connection over seven round
 * trips: transactions held 6.6 of the 10 connections on average, reads 1.3. Here a transaction takes its connection
 * from one pool and a statement outside a transaction from the other, so a read never waits for a transaction to end.
 */
class LaneDriver implements Driver {
  private readonly statements: PostgresDriver;
  private readonly transactions: PostgresDriver;

  constructor(lanes: PoolLanes) {
    this.statements = new PostgresDriver({ pool: lanes.statements });
    this.transactions = new PostgresDriver({ pool: lanes.transactions });
  }

  async init(): Promise<void> {
    await Promise.all([this.statements.init(), this.transactions.init()]);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LaneConnection(this.statements);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const held = await (connection as LaneConnection).take(this.transactions);
    await held.driver.beginTransaction(held.connection, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const held = await this.heldBy(connection);
    await held.driver.commitTransaction(held.connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const held = await this.heldBy(connection);
    await held.driver.rollbackTransaction(held.connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    const held = await this.heldBy(connection);
    await held.driver.savepoint(held.connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    const held = await this.heldBy(connection);
    await held.driver.rollbackToSavepoint(held.connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    const held = await this.heldBy(connection);
    await held.driver.releaseSavepoint(held.connection, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const held = await (connection as LaneConnection).taken();
    if (held) await held.driver.releaseConnection(held.connection);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.statements.destroy(), this.transactions.destroy()]);
  }

  /** Transaction steps run after `beginTransaction`, which took the connection. */
  private async heldBy(connection: DatabaseConnection): Promise<Held> {
    const held = await (connection as LaneConnection).taken();
    if (!held) throw new Error("no transaction was begun on this connection");
    return held;
  }
}

/** PostgreSQL as Kysely knows it (compiler, adapter, introspection), with LaneDriver's two pools. */
export class LaneDialect extends PostgresDialect {
  constructor(private readonly lanes: PoolLanes) {
    super({ pool: lanes.transactions });
  }

  override createDriver(): Driver {
    return new LaneDriver(this.lanes);
  }
}
