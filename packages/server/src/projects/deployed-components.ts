import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";
import type { DeployedApp } from "../apps/provision";

/** What the project's deployed build put live, as HubSpot's `projects-deployed-build` lists it: apps with their cards and functions. */
/** `projectId` is a validated decimal id, named in the error as the caller wrote it. */
export async function deployedComponents(db: Kysely<Database>, accountId: number, projectId: string) {
  const project = await db
    .selectFrom("projects")
    .selectAll()
    .where("id", "=", Number(projectId))
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!project) throw notFound(`No project ${projectId} in this account.`);
  if (project.deployed_build_id === null) return { topLevelComponentMetadata: [] };
  const build = await db.selectFrom("builds").select(["apps"]).where("id", "=", project.deployed_build_id).executeTakeFirstOrThrow();
  const apps = await db
    .selectFrom("private_apps")
    .select(["id", "uid"])
    .where("project_id", "=", project.id)
    .where("deleted_at", "is", null)
    .execute();
  const appIds = new Map(apps.map((a) => [a.uid, a.id]));
  return {
    topLevelComponentMetadata: (JSON.parse(build.apps ?? "[]") as DeployedApp[]).map((a) => ({
      componentName: a.uid,
      type: { name: "PRIVATE_APP" },
      deployOutput: { appId: appIds.get(a.uid) ?? null },
      featureComponents: [
        ...a.cards.map((c) => ({
          componentName: c.uid,
          type: { name: "CRM_CARD_V2" },
          deployOutput: { appId: appIds.get(a.uid) ?? null, cardId: `${a.uid}::${c.uid}` },
        })),
        ...a.functions.map((f) => ({
          componentName: f.name,
          type: { name: "APP_FUNCTION" },
          deployOutput: { appId: appIds.get(a.uid) ?? null, appFunctionName: f.name, ...(f.endpoint ? { endpoint: f.endpoint } : {}) },
        })),
      ],
    })),
  };
}
