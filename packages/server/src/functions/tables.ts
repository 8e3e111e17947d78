import type { Millis } from "../store/schema";

/** Account-level secrets for functions, sealed with the platform key. */
export interface SecretsTable {
  account_id: number;
  name: string;
  value_sealed: string;
  created_at: Millis;
  updated_at: Millis;
}

export interface FunctionTables {
  secrets: SecretsTable;
}
