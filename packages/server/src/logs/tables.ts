import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

export type SecurityEventType =
  | "TOKEN_VIEWED"
  | "TOKEN_ROTATED"
  | "TOKEN_ROTATED_LATER"
  | "OLD_TOKEN_EXPIRED"
  | "TOKEN_REVOKED"
  | "APP_DELETED"
  | "SECRET_CHANGED"
  | "KEY_CREATED"
  | "KEY_REVOKED"
  | "SIGN_IN_FAILED";

export interface SecurityEventsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number | null;
  type: SecurityEventType;
  actor_user_id: number | null;
  actor_label: string;
  address: string | null;
  /** JSON object; never holds a token or secret value. */
  details: string;
  trace_id: string;
  created_at: Millis;
}

export interface LogTables {
  security_events: SecurityEventsTable;
}
