import type { Platform } from "../platform";
import { appsRemoved, provisionApps } from "../apps/provision";
import { requireProject } from "./project-lookup";

/** Deleting a project removes its apps (tokens revoked, components gone) and its whole history, in one transaction. */
export async function deleteProject(p: Platform, accountId: number, name: string): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  const { removedApps } = await p.store.db.transaction().execute(async (trx) => {
    const provisioned = await provisionApps(trx, p, {
      accountId,
      projectId: project.id,
      buildId: project.deployed_build_id ?? 0,
      apps: [],
    });
    await trx.deleteFrom("deploys").where("project_id", "=", project.id).execute();
    await trx.deleteFrom("builds").where("project_id", "=", project.id).execute();
    await trx.deleteFrom("projects").where("id", "=", project.id).execute();
    return provisioned;
  });
  await appsRemoved(p, removedApps);
}
