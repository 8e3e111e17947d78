import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

export type JobStatus = "queued" | "running" | "done" | "failed";

/** One unit of background work; a running job whose lease lapses belongs to a dead worker and is claimed again. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  /** Claims so far; also the version a claim compares against, so two workers never both win. */
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  lease_until: Millis | null;
  last_error: string | null;
  /** Not claimed before this time (a retry's back-off); null: at once. */
  run_after: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface JobTables {
  jobs: JobsTable;
}
