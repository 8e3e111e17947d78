import { appComponentRows, appsRemoved, componentTypeName, provisionApps, type DeployedApp } from "../apps/provision";
import type { ProjectsContext } from "../projects/projects-context";
import { requireProject } from "../projects/project-lookup";
import { appSubdeploy } from "../projects/queue-deploy";

/**
 * `POST dfs/deploy/v3/deploys/delete`, which `hs project delete` calls for 2025.2+ projects before deleting them:
 * a dry run lists the live components; otherwise they are removed at once, in one transaction, and recorded as a
 * finished deploy whose status the CLI then reads.
 */
export async function stageProjectDeletion(
  ctx: ProjectsContext,
  who: { accountId: number; userId: number },
  projectName: string,
  dryRun: boolean,
) {
  const db = ctx.p.store.db;
  const project = await requireProject(db, who.accountId, projectName);
  if (project.deployed_build_id === null) return { componentsToRemove: [], hasDeployedComponents: false };
  const buildId = project.deployed_build_id;
  const build = await db.selectFrom("builds").select("apps").where("id", "=", buildId).executeTakeFirstOrThrow();
  const apps = JSON.parse(build.apps ?? "[]") as DeployedApp[];
  const componentsToRemove = apps.flatMap((a) => [
    { componentId: a.uid, componentType: "APPLICATION" },
    ...appComponentRows(a).map((c) => ({ componentId: c.name, componentType: componentTypeName(c.kind) })),
  ]);
  if (dryRun) return { componentsToRemove, hasDeployedComponents: true };

  const { deployId, removedApps } = await db.transaction().execute(async (trx) => {
    const now = ctx.p.clock.now();
    const { removed, removedApps } = await provisionApps(trx, ctx.p, {
      accountId: who.accountId,
      projectId: project.id,
      buildId,
      apps: [],
    });
    await trx.updateTable("projects").set({ deployed_build_id: null, updated_at: now }).where("id", "=", project.id).execute();
    const subdeploys = removed.map((uid) => ({
      ...appSubdeploy(uid, "REMOVE"),
      status: "SUCCESS" as const,
      startedAt: now,
      finishedAt: now,
    }));
    const { id } = await trx
      .insertInto("deploys")
      .values({
        project_id: project.id,
        account_id: who.accountId,
        build_id: buildId,
        user_id: who.userId,
        status: "SUCCESS",
        allow_removals: 1,
        subdeploys: JSON.stringify(subdeploys),
        error: null,
        created_at: now,
        started_at: now,
        finished_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { deployId: id, removedApps };
  });
  await appsRemoved(ctx.p, removedApps);
  return { deployId, componentsToRemove, hasDeployedComponents: true };
}
