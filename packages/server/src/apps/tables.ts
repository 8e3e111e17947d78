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
  /** "oauth": installed into accounts through HubSpot's OAuth flow; "static": one token for the owning account. */
  auth_type: Generated<"static" | "oauth">;
  /** The OAuth client id (a UUID), made when the app is first deployed as an OAuth app. */
  client_id: string | null;
  /** JSON arrays, for OAuth apps: where codes may be sent, and the scopes an install may add. */
  redirect_urls: string | null;
  optional_scopes: string | null;
  distribution: "private" | "marketplace" | null;
}

/** An OAuth app installed into an account; tokens die with the install. */
export interface AppInstallsTable {
  id: Generated<number>;
  app_id: number;
  account_id: number;
  /** JSON array: the scopes the installing super admin granted. */
  scopes: string;
  installed_at: Millis;
  installed_by: number;
  uninstalled_at: Millis | null;
}

/** An authorization code of the install flow: single use, ten minutes, bound to its redirect URI. */
export interface OAuthCodesTable {
  code_hash: string;
  app_id: number;
  install_id: number;
  redirect_uri: string;
  expires_at: Millis;
  used_at: Millis | null;
  /** The refresh token the code's exchange issued: revoked if the code is ever presented again. */
  refresh_token_id: number | null;
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
  /** The OAuth install an "access" or "refresh" token belongs to; null for a private app's "static" token. */
  install_id: number | null;
  kind: Generated<"static" | "access" | "refresh">;
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
  app_installs: AppInstallsTable;
  oauth_codes: OAuthCodesTable;
}
