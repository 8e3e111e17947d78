import type { Platform } from "../platform";
import { provisionApps } from "../apps/provision";
import { requireProject } from "./project-lookup";
import { retireDeletedApps } from "../functions/retire-runners";

/** Deleting a project removes its apps (tokens revoked, components gone) and its whole history, in one transaction. */
export async function deleteProject(
  p: Platform,
  accountId: number,
  name: string,
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  const apps = await p.store.db
    .selectFrom("private_apps")
    .select(["id as appId", "active_build_id as buildId"])
    .where("project_id", "=", project.id)
    .where("deleted_at", "is", null)
    .execute();
  await p.store.db.transaction().execute(async (trx) => {
    await provisionApps(trx, p, { accountId, projectId: project.id, buildId: project.deployed_build_id ?? 0, apps: [] });
    await trx.deleteFrom("deploys").where("project_id", "=", project.id).execute();
    await trx.deleteFrom("builds").where("project_id", "=", project.id).execute();
    await trx.deleteFrom("projects").where("id", "=", project.id).execute();
  });
  await retireDeletedApps(
    p,
    apps.map((a) => ({ ...a, accountId })),
    log,
  );
}
