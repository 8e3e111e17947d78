import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

/**
 * sprocket: `sprocket project dev`, whose bundles the server builds and stores; hubspot: `hs project dev`, whose bundles
 * its local dev server serves from the developer's machine on the ports it registered.
 */
export type DevSessionKind = "sprocket" | "hubspot";

export interface DevSessionsTable {
  id: Generated<number>;
  account_id: number;
  /** Null for `hs project dev`, which registers for an account, not a project. */
  project_id: number | null;
  user_id: number;
  kind: DevSessionKind;
  /** JSON: [{ serverId, port }] as `hs project dev` registers them; [] for sprocket sessions. */
  ports: string;
  opened_at: Millis;
  /** Moved on by every heartbeat or push; a session past it serves nothing. */
  expires_at: Millis;
  closed_at: Millis | null;
  /** Pushes that changed a bundle (each would have been a build before dev sessions). */
  saves: Generated<number>;
}

export interface DevSessionBundlesTable {
  session_id: number;
  app_id: number;
  /** A card's or app page's uid in its app. */
  component_uid: string;
  /** Goes up when the bundle's bytes change; it is part of the bundle's URL, so a page mounts each version afresh. */
  version: number;
  source: Buffer;
  /** JSON: the project files (srcDir-relative) the bundle was built from, so a save rebuilds only bundles that read it. */
  inputs: string;
  updated_at: Millis;
}

export interface DevSessionTables {
  dev_sessions: DevSessionsTable;
  dev_session_bundles: DevSessionBundlesTable;
}
