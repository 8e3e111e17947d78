import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { ProjectRow } from "./project-lookup";
import { iso } from "./subtasks";
import { buildJson, selectBuildColumns } from "./build-json";
import { findStagedBuild } from "./project-lock";

/** HubSpot's Project shape, with the latest and the deployed build. */
export async function projectJson(db: Kysely<Database>, project: ProjectRow) {
  const latest = await selectBuildColumns(db)
    .where("project_id", "=", project.id)
    .where("status", "!=", "STAGED")
    .orderBy("build_number", "desc")
    .limit(1)
    .executeTakeFirst();
  const deployed =
    project.deployed_build_id === null
      ? undefined
      : await selectBuildColumns(db).where("id", "=", project.deployed_build_id).executeTakeFirst();
  return {
    id: project.id,
    name: project.name,
    portalId: project.account_id,
    createdAt: project.created_at,
    updatedAt: project.updated_at,
    deletedAt: 0,
    isLocked: (await findStagedBuild(db, project.id)) !== undefined,
    ...(latest ? { latestBuild: buildJson(project, latest) } : {}),
    ...(deployed ? { deployedBuild: buildJson(project, deployed), deployedBuildId: deployed.build_number } : {}),
    ...(project.git_url ? { sourceIntegration: sourceIntegrationOf(project) } : {}),
  };
}

function sourceIntegrationOf(project: ProjectRow) {
  const { owner, repositoryName } = repositoryParts(project.git_url!);
  return { source: "GIT", url: project.git_url, owner, repositoryName, branch: project.git_branch, createdAt: iso(project.updated_at) };
}

/** `https://github.com/acme/crm-app.git` → acme / crm-app; a local path gives its last two segments. */
export function repositoryParts(url: string): { owner: string; repositoryName: string } {
  const parts = url
    .replace(/\.git\/?$/, "")
    .split(/[/:]/)
    .filter(Boolean);
  return { repositoryName: parts.at(-1) ?? "", owner: parts.at(-2) ?? "" };
}
