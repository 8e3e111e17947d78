import { sql } from "kysely";
import type { Platform } from "../platform";

/** Records written since the last ANALYZE, per platform; the planner's statistics are refreshed as the tables grow. */
const written = new WeakMap<Platform, { pending: number; analyzed: number; running: boolean }>();

/** The fewest new records worth an ANALYZE: below it the planner's defaults serve. */
const FIRST_ANALYZE = 1000;

/**
 * Notes records written in bulk and, whenever as many have been written since the last ANALYZE as there were then
 * (the tables doubled), refreshes the planner's statistics of the CRM tables in the background. Without them
 * PostgreSQL took a freshly loaded table for empty (autovacuum had not run minutes after 100,000 batch-created
 * contacts) and joined the search's id sets in a nested loop: 3.8 s for one search over 10,000 contacts.
 * Doubling keeps it to about twenty runs however large the account grows.
 */
export function noteCrmWrites(p: Platform, records: number): void {
  let s = written.get(p);
  if (!s) written.set(p, (s = { pending: 0, analyzed: 0, running: false }));
  s.pending += records;
  if (s.running || s.pending < Math.max(FIRST_ANALYZE, s.analyzed)) return;
  s.running = true;
  s.analyzed += s.pending;
  s.pending = 0;
  const state = s;
  analyzeCrm(p)
    .catch((error: unknown) => p.log.warn({ err: error }, "ANALYZE of the CRM tables failed"))
    .finally(() => {
      state.running = false;
    });
}

/** Refreshes the CRM tables' planner statistics now (what `noteCrmWrites` starts in the background). */
export async function analyzeCrm(p: Platform): Promise<void> {
  const db = p.store.db;
  if (p.store.engine === "postgres") {
    // VACUUM too: it marks the loaded pages all-visible, so the index-only scans of the search stop reading the table.
    await sql`vacuum (analyze) crm_objects, crm_property_values`.execute(db);
    return;
  }
  // SQLite: a sampled ANALYZE (analysis_limit) takes milliseconds on a million rows instead of a full index scan.
  await sql`pragma analysis_limit = 1000`.execute(db);
  await sql`analyze crm_objects`.execute(db);
  await sql`analyze crm_property_values`.execute(db);
}
