import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { ProjectRow } from "./project-lookup";
import { iso, subtaskJson, type Subtask } from "./subtasks";

/** Every build column but the two archives, which only archive-full and deploys read. */
export const selectBuildColumns = (db: Kysely<Database>) =>
  db
    .selectFrom("builds")
    .select([
      "id",
      "project_id",
      "account_id",
      "build_number",
      "status",
      "platform_version",
      "upload_message",
      "source",
      "auto_deploy",
      "auto_deploy_enabled",
      "auto_deploy_id",
      "subbuilds",
      "error",
      "created_at",
      "started_at",
      "finished_at",
    ]);

export type BuildSummaryRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectBuildColumns>["executeTakeFirst"]>>>;

/** HubSpot's Build shape (local-dev-lib types/Build.d.ts). */
export function buildJson(project: Pick<ProjectRow, "name" | "account_id" | "deployed_build_id">, b: BuildSummaryRow) {
  const subtasks = JSON.parse(b.subbuilds) as Subtask[];
  const finished = b.status === "SUCCESS" || b.status === "FAILURE";
  return {
    buildId: b.build_number,
    status: b.status,
    projectName: project.name,
    portalId: project.account_id,
    platformVersion: b.platform_version,
    isAutoDeployEnabled: b.auto_deploy_enabled === 1,
    // 0 once finished without one: HubSpot's CLI reads that as "the deploy was skipped".
    ...(b.auto_deploy_id !== null
      ? { autoDeployId: b.auto_deploy_id, deployStatusTaskLocator: { id: String(b.auto_deploy_id), links: [] } }
      : finished
        ? { autoDeployId: 0 }
        : {}),
    uploadMessage: b.upload_message,
    subbuildStatuses: subtasks.map((s) => subtaskJson(s, "build")),
    ...(b.error ? { errorMessage: b.error } : {}),
    enqueuedAt: iso(b.created_at),
    createdAt: iso(b.created_at),
    startedAt: iso(b.started_at),
    finishedAt: iso(b.finished_at),
    deployableState: "DEPLOYABLE",
    isDeployed: project.deployed_build_id === b.id,
    activitySource: JSON.parse(b.source) as Record<string, unknown>,
  };
}
