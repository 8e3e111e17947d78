import type { Generated } from "kysely";
import type { Flag, Millis } from "../store/schema";

/** `draft` and `published` are the JSON of a `TableDefinition` (hubdb/hubdb-tables.ts). */
export interface HubdbTablesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  draft: string;
  published: string | null;
  published_at: Millis | null;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

/** `draft` and `published` are the JSON of a `RowContent`; null where the row is not (or no longer) on that side. */
export interface HubdbRowsTable {
  id: Generated<number>;
  account_id: number;
  table_id: number;
  draft: string | null;
  published: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface HubdbTables {
  hubdb_tables: HubdbTablesTable;
  hubdb_rows: HubdbRowsTable;
}
