import type { Generated } from "kysely";
import type { AppTables } from "../apps/tables";
import type { LogTables } from "../logs/tables";
import type { ProjectTables } from "../projects/tables";
import type { JobTables } from "../jobs/tables";
import type { CrmTables } from "../crm/tables";
import type { FunctionTables } from "../functions/tables";
import type { ClusterTables } from "../cluster/tables";
import type { WebhookTables } from "../webhooks/tables";
import type { WorkflowTables } from "../workflows/tables";
import type { DevSessionTables } from "../dev-sessions/tables";
import type { HubdbTables } from "../hubdb/tables";

/** Epoch milliseconds. */
export type Millis = number;
/** 0 or 1: both engines store booleans as integers so one set of queries serves both. */
export type Flag = number;

export interface AccountsTable {
  id: number;
  name: string;
  tier: string;
  max_private_apps: number;
  api_limit_ten_secondly: Generated<number>;
  api_limit_daily: Generated<number>;
  search_limit_secondly: Generated<number>;
  created_at: Millis;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  created_at: Millis;
}

export interface MembershipsTable {
  account_id: number;
  user_id: number;
  role: "super_admin" | "admin" | "user";
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  account_id: number;
  csrf_token: string;
  expires_at: Millis;
  created_at: Millis;
}

export interface PersonalAccessKeysTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_at: Millis;
  last_used_at: Millis | null;
  revoked_at: Millis | null;
}

export interface DeveloperTokensTable {
  token_hash: string;
  key_id: number;
  account_id: number;
  user_id: number;
  expires_at: Millis;
}

export interface AccountInvitesTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased. */
  email: string;
  role: "super_admin" | "admin" | "user";
  /** sha256 of the one-time link's token. */
  token_hash: string;
  invited_by: number | null;
  created_at: Millis;
  expires_at: Millis;
  /** Set when the link was used; a used link opens nothing again. */
  accepted_at: Millis | null;
}

export interface AccountTables {
  accounts: AccountsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  personal_access_keys: PersonalAccessKeysTable;
  developer_tokens: DeveloperTokensTable;
  account_invites: AccountInvitesTable;
}

/** Every domain declares its own tables in `<domain>/tables.ts`; the store sees their union. */
export interface Database
  extends
    AccountTables,
    AppTables,
    LogTables,
    ProjectTables,
    JobTables,
    CrmTables,
    FunctionTables,
    ClusterTables,
    WebhookTables,
    WorkflowTables,
    DevSessionTables,
    HubdbTables {}
