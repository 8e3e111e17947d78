import type { Platform } from "../platform";
import { requireProject } from "./project-lookup";

export async function getProjectSettings(p: Platform, accountId: number, name: string) {
  const project = await requireProject(p.store.db, accountId, name);
  return { isAutoDeployEnabled: project.auto_deploy === 1 };
}

export async function updateProjectSettings(p: Platform, accountId: number, name: string, settings: { isAutoDeployEnabled: boolean }) {
  const project = await requireProject(p.store.db, accountId, name);
  await p.store.db
    .updateTable("projects")
    .set({ auto_deploy: settings.isAutoDeployEnabled ? 1 : 0, updated_at: p.clock.now() })
    .where("id", "=", project.id)
    .execute();
  return { isAutoDeployEnabled: settings.isAutoDeployEnabled };
}
