import type { Generated } from "kysely";
import type { Flag, Millis } from "../store/schema";

export interface ProjectsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Builds are numbered per project; this is the last number handed out. */
  last_build_number: number;
  auto_deploy: Flag;
  /** builds.id of the build whose apps are live. */
  deployed_build_id: number | null;
  git_url: string | null;
  git_branch: string | null;
  /** The webhook secret, sealed with the platform key (it is needed again to check each signature). */
  git_secret_sealed: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** STAGED: a watch session's build still being filled file by file; it is neither listed nor built until queued. */
export type BuildStatus = "STAGED" | "PENDING" | "BUILDING" | "SUCCESS" | "FAILURE";
export type DeployStatus = "PENDING" | "DEPLOYING" | "SUCCESS" | "FAILURE";

export interface BuildsTable {
  id: Generated<number>;
  project_id: number;
  account_id: number;
  build_number: number;
  status: BuildStatus;
  /** Null for a git build until its commit has been fetched. */
  platform_version: string | null;
  upload_message: string;
  /** JSON: HubSpot's activitySource. */
  source: string;
  /** 1 when a successful build is to be deployed at once. */
  auto_deploy: Flag;
  /** The project's auto-deploy setting when the build was made. */
  auto_deploy_enabled: Flag;
  auto_deploy_id: number | null;
  /** JSON: SubBuild[]. */
  subbuilds: string;
  /** JSON: DeployedApp[], set when the build succeeds. */
  apps: string | null;
  /** The contents of srcDir, zipped (what the CLI uploads). */
  source_zip: Buffer | null;
  /** Bundles, card manifests and manifest.json, zipped. */
  artifact: Buffer | null;
  /** Why the build failed, when it failed outside any component. */
  error: string | null;
  created_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
}

export interface DeploysTable {
  id: Generated<number>;
  project_id: number;
  account_id: number;
  build_id: number;
  user_id: number | null;
  status: DeployStatus;
  /** 0 for auto-deploys: they never remove anything without someone confirming. */
  allow_removals: Flag;
  /** JSON: SubDeploy[]. */
  subdeploys: string;
  error: string | null;
  created_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
}

export interface ProjectTables {
  projects: ProjectsTable;
  builds: BuildsTable;
  deploys: DeploysTable;
}
