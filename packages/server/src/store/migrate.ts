import { Migrator, type Migration, type MigrationProvider } from "kysely";
import type { Store } from "./database";
import { migrations } from "./migrations";
import { recreateMissingLogTables } from "./log-file-repair";

/** Migrations live in code so that both engines run exactly the same list, in order. */
class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly store: Store) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, make] of Object.entries(migrations)) out[name] = make(this.store.engine);
    return out;
  }
}

/** Migrates to the latest schema; says whether the log file had to be made again (log-file-repair.ts). */
export async function migrateToLatest(store: Store): Promise<{ logTablesRecreated: boolean }> {
  const migrator = new Migrator({ db: store.db, provider: new CodeMigrationProvider(store) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${String(error instanceof Error ? error.message : error)}`);
  }
  return { logTablesRecreated: await recreateMissingLogTables(store) };
}
