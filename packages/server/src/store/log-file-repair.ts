import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import type { Store } from "./database";
import { migrations } from "./migrations";
import { createInLogFile, definitions, transaction } from "./migrations/020-log-file";
import { LOGS_SCHEMA } from "./sqlite-connection";

/**
 * A data dir restored with `sprocket.db` but not `sprocket-logs.db` (operations.md asks for both; a backup of the main
 * file alone is the easy mistake): ATTACH makes an empty log file, and every log write would fail. The log tables are
 * made again, empty, from the definitions migrations 005, 018 and 019 leave in a scratch in-memory database, so they
 * are exactly a new install's. Returns whether it did; the logs from before the restore are not in it.
 */
export async function recreateMissingLogTables(store: Store): Promise<boolean> {
  if (store.engine !== "sqlite") return false;
  const db = store.db as unknown as Kysely<unknown>;
  if ((await definitions(db, LOGS_SCHEMA)).some((o) => o.type === "table")) return false;
  const scratch = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(":memory:") }) });
  try {
    const before = Object.entries(migrations).filter(([name]) => name < "020");
    const migrator = new Migrator({
      db: scratch,
      provider: { getMigrations: async () => Object.fromEntries(before.map(([name, make]) => [name, make("sqlite")])) },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    const objects = await definitions(scratch, "main");
    await transaction(db, () => createInLogFile(db, objects, async () => {}));
  } finally {
    await scratch.destroy();
  }
  return true;
}
