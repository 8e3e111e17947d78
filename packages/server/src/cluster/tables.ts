import type { Millis } from "../store/schema";

/** The first start's demo account and its credentials, sealed, in one row (id 1) that every node of a deployment reads. */
export interface BootstrapTable {
  id: number;
  info_sealed: string;
  created_at: Millis;
}

export interface ClusterTables {
  bootstrap: BootstrapTable;
}
