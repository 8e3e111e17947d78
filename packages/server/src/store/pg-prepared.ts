import type pg from "pg";

const pools = new WeakMap<object, pg.Pool>();

/** Ties a PostgreSQL store's Kysely instance to its pool, for `readPrepared`. */
export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * The rows of a hot read as arrays (columns in the order selected), through a named statement on the pool, when `db`
 * is a PostgreSQL store outside a transaction; otherwise undefined, and the caller goes through Kysely. PostgreSQL
 * parses and plans a named statement once per connection instead of on every call, and going around Kysely spares the
 * read its connection hand-off and promise hops (issue #24: a CRM get on PostgreSQL). `name` must name one SQL text.
 */
export function readPrepared(db: object, name: string, sql: string, parameters: readonly unknown[]): Promise<unknown[][]> | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  return pool.query<unknown[]>({ name, text: sql, values: parameters as unknown[], rowMode: "array" }).then((r) => r.rows);
}
