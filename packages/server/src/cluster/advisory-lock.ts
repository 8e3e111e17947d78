import { sql, type Kysely } from "kysely";
import type { Database } from "../store/schema";

/** Advisory-lock keys: any constants, one per kind of first-start work that nodes starting together must take turns at. */
export const LOCKS = { bootstrap: 0x5370726b, jobQueues: 0x53707271 } as const;

/**
 * Runs `fn` while holding a PostgreSQL session lock on one pinned connection; `fn` itself works through the pool. Only
 * for PostgreSQL: on SQLite the pinned connection would be the only one.
 */
export async function withAdvisoryLock<T>(db: Kysely<Database>, key: number, fn: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${key})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
