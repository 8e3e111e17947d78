import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";
import { iso, subtaskJson, type Subtask } from "./subtasks";
import type { ProjectRow } from "./project-lookup";

/** A project's deploys with their build's number and who started them (no user: auto-deploy). */
export const selectDeploys = (db: Kysely<Database>, project: ProjectRow) =>
  db
    .selectFrom("deploys")
    .innerJoin("builds", "builds.id", "deploys.build_id")
    .leftJoin("users", "users.id", "deploys.user_id")
    .select([
      "deploys.id",
      "deploys.status",
      "deploys.user_id",
      "deploys.subdeploys",
      "deploys.error",
      "deploys.created_at",
      "deploys.started_at",
      "deploys.finished_at",
      "builds.build_number",
      "users.email",
    ])
    .where("deploys.project_id", "=", project.id);

export async function requireDeploy(db: Kysely<Database>, project: ProjectRow, deployId: number) {
  const row = await selectDeploys(db, project).where("deploys.id", "=", deployId).executeTakeFirst();
  if (!row) throw notFound(`Project "${project.name}" has no deploy ${deployId}.`);
  return row;
}

export type DeployRow = Awaited<ReturnType<typeof requireDeploy>>;

/** HubSpot's Deploy shape. */
export function deployJson(project: ProjectRow, d: DeployRow) {
  return {
    deployId: d.id,
    buildId: d.build_number,
    status: d.status,
    projectName: project.name,
    portalId: project.account_id,
    userId: d.user_id,
    // Sprocket's addition: the console names who deployed.
    ...(d.email ? { userEmail: d.email } : {}),
    source: d.user_id === null ? "AUTO_DEPLOY" : "HUBSPOT_USER",
    ...(d.error ? { errorMessage: d.error } : {}),
    enqueuedAt: iso(d.created_at),
    startedAt: iso(d.started_at),
    finishedAt: iso(d.finished_at),
    subdeployStatuses: (JSON.parse(d.subdeploys) as Subtask[]).map((s) => subtaskJson(s, "deploy")),
  };
}
