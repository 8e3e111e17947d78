import type { Kysely } from "kysely";
import type { AppComponent } from "@sprocket/contract";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";

/** An app named by its numeric id or its uid, live, in the caller's account. */
export async function findApp(db: Kysely<Database>, accountId: number, ref: string) {
  let q = db.selectFrom("private_apps").selectAll().where("account_id", "=", accountId).where("deleted_at", "is", null);
  q = /^\d+$/.test(ref) ? q.where((eb) => eb.or([eb("id", "=", Number(ref)), eb("uid", "=", ref)])) : q.where("uid", "=", ref);
  const app = await q.executeTakeFirst();
  if (!app) throw notFound(`No private app "${ref}" in account ${accountId}. Run \`sprocket apps list\` to see the apps.`);
  return app;
}

/** "Limit app 2" before "Limit app 10", as people count; the id keeps apps of the same name in a stable order. */
const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

export async function listApps(db: Kysely<Database>, accountId: number) {
  const apps = await db
    .selectFrom("private_apps")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .execute();
  return apps.sort((a, b) => byName.compare(a.name, b.name) || a.id - b.id);
}

/** The project name and project build number of apps, for showing them as people know them (`my-project #4`). */
export async function projectRefs(db: Kysely<Database>, apps: readonly { project_id: number | null; active_build_id: number | null }[]) {
  const projectIds = [...new Set(apps.flatMap((a) => (a.project_id === null ? [] : [a.project_id])))];
  const buildIds = [...new Set(apps.flatMap((a) => (a.active_build_id === null ? [] : [a.active_build_id])))];
  const projects = projectIds.length ? await db.selectFrom("projects").select(["id", "name"]).where("id", "in", projectIds).execute() : [];
  const builds = buildIds.length ? await db.selectFrom("builds").select(["id", "build_number"]).where("id", "in", buildIds).execute() : [];
  const names = new Map(projects.map((r) => [r.id, r.name]));
  const numbers = new Map(builds.map((r) => [r.id, r.build_number]));
  return {
    projectName: (projectId: number | null) => (projectId === null ? null : (names.get(projectId) ?? null)),
    buildNumber: (buildId: number | null) => (buildId === null ? null : (numbers.get(buildId) ?? null)),
  };
}

/** Every build of the app's project, internal id to number (the app's logs name builds by id). */
export async function projectBuildNumbers(db: Kysely<Database>, projectId: number | null) {
  if (projectId === null) return [];
  const rows = await db.selectFrom("builds").select(["id", "build_number"]).where("project_id", "=", projectId).orderBy("id").execute();
  return rows.map((r) => ({ buildId: r.id, number: r.build_number }));
}

/** Typed by the contract: a component kind the server adds and the contract does not name fails to compile here. */
export async function appComponents(db: Kysely<Database>, appId: number): Promise<AppComponent[]> {
  const rows = await db
    .selectFrom("app_components")
    .leftJoin("builds", "builds.id", "app_components.build_id")
    .selectAll("app_components")
    .select("builds.build_number")
    .where("app_id", "=", appId)
    .orderBy("kind")
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    buildId: r.build_id,
    buildNumber: r.build_number,
    config: JSON.parse(r.config) as Record<string, unknown>,
  }));
}
