import type { Kysely } from "kysely";
import type { Database } from "../store/schema";

const LOG_TABLES = [
  "api_calls",
  "function_runs",
  "extension_events",
  "security_events",
  "webhook_deliveries",
  "workflow_action_calls",
] as const;
/** Rows per DELETE: big enough to be quick, small enough that no statement holds its locks for long. */
const CHUNK = 5000;

/** Deletes every log row older than `cutoff`, table by table, in chunks found through the time index. */
export async function pruneLogs(db: Kysely<Database>, cutoff: number): Promise<Record<(typeof LOG_TABLES)[number], number>> {
  const deleted = {
    api_calls: 0,
    function_runs: 0,
    extension_events: 0,
    security_events: 0,
    webhook_deliveries: 0,
    workflow_action_calls: 0,
  };
  for (const table of LOG_TABLES) {
    for (;;) {
      const result = await db
        .deleteFrom(table)
        .where("id", "in", db.selectFrom(table).select("id").where("created_at", "<", cutoff).limit(CHUNK))
        .executeTakeFirst();
      const n = Number(result.numDeletedRows);
      deleted[table] += n;
      if (n < CHUNK) break;
    }
  }
  return deleted;
}
