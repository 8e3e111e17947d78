import type { ExtensionType, FeatureType } from "@sprocket/project-format";
import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

export interface PrivateAppsTable {
  id: Generated<number>;
  account_id: number;
  uid: string;
  name: string;
  description: string;
  /** JSON array of scope names. */
  scopes: string;
  project_id: number | null;
  active_build_id: number | null;
  created_at: Millis;
  updated_at: Millis;
  deleted_at: Millis | null;
  /** JSON array: the app's `permittedUrls.fetch` from its live build (null before the first deploy that kept it). */
  permitted_fetch_urls: string | null;
  /** The app's client secret (signs `hubspot.fetch` requests), sealed; made on first use. */
  client_secret_sealed: string | null;
}

export interface AppTokensTable {
  id: Generated<number>;
  app_id: number;
  account_id: number;
  token_hash: string;
  /** The token sealed with the platform key, so a super admin can be shown it again. */
  token_sealed: string;
  created_at: Millis;
  /** Set when a rotation "later" leaves the old token alive for a while. */
  expires_at: Millis | null;
  revoked_at: Millis | null;
  last_used_at: Millis | null;
}

/** The components of an app's active build, replaced as a whole on each deploy. */
export interface AppComponentsTable {
  app_id: number;
  /** `card`, `function`, or the *-hsmeta.json type of a page, settings page, bulk action or recorded feature. */
  kind: "card" | "function" | ExtensionType | FeatureType;
  /** Card uid, function name or component uid. */
  name: string;
  build_id: number;
  /** JSON: the component's model plus where its bundle lives in the build artifact. */
  config: string;
}

export interface AppTables {
  private_apps: PrivateAppsTable;
  app_tokens: AppTokensTable;
  app_components: AppComponentsTable;
}
