import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Platform } from "../platform";
import { ApiError } from "../http/api-error";
import { forgetCachedTokens, mintAppToken } from "./app-tokens";

export interface DeployedCard {
  uid: string;
  title: string;
  location: string;
  objectTypes: string[];
  /** Path of the bundle inside the build artifact. */
  bundle: string;
}

export interface DeployedFunction {
  name: string;
  secrets: string[];
  endpoint?: { path: string; methods: string[] };
  /** Path of the bundle inside the build artifact. */
  bundle: string;
}

export interface DeployedApp {
  uid: string;
  name: string;
  description: string;
  scopes: string[];
  /** `permittedUrls.fetch` (absent in builds made before it was kept): what `hubspot.fetch` may reach. */
  permittedFetchUrls?: string[];
  cards: DeployedCard[];
  functions: DeployedFunction[];
}

export interface Removal {
  uid: string;
  kind: "app" | "card" | "function";
  name: string;
}

const liveAppsOfProject = (db: Kysely<Database>, accountId: number, projectId: number) =>
  db
    .selectFrom("private_apps")
    .select(["id", "uid", "name"])
    .where("account_id", "=", accountId)
    .where("project_id", "=", projectId)
    .where("deleted_at", "is", null)
    .execute();

/** What a deploy of these apps would remove: the project's apps not listed, and components a listed app loses. */
export async function planAppRemovals(db: Kysely<Database>, accountId: number, projectId: number, apps: DeployedApp[]): Promise<Removal[]> {
  const wanted = new Map(apps.map((a) => [a.uid, a]));
  const removals: Removal[] = [];
  for (const live of await liveAppsOfProject(db, accountId, projectId)) {
    const next = wanted.get(live.uid);
    if (!next) {
      removals.push({ uid: live.uid, kind: "app", name: live.name });
      continue;
    }
    const keep = new Set([...next.cards.map((c) => `card:${c.uid}`), ...next.functions.map((f) => `function:${f.name}`)]);
    const components = await db.selectFrom("app_components").select(["kind", "name"]).where("app_id", "=", live.id).execute();
    for (const c of components) if (!keep.has(`${c.kind}:${c.name}`)) removals.push({ uid: live.uid, kind: c.kind, name: c.name });
  }
  return removals;
}

/**
 * Inside the deploy's transaction: create or update each app by uid (a token is minted on create), replace its
 * components, set its active build, and remove the project's apps that are no longer listed.
 */
export async function provisionApps(
  trx: Kysely<Database>,
  p: Platform,
  input: { accountId: number; projectId: number; buildId: number; apps: DeployedApp[] },
): Promise<{ appIds: Record<string, number>; created: string[]; updated: string[]; removed: string[] }> {
  const now = p.clock.now();
  const { accountId, projectId, buildId } = input;
  const result = { appIds: {} as Record<string, number>, created: [] as string[], updated: [] as string[], removed: [] as string[] };

  const wanted = new Set(input.apps.map((a) => a.uid));
  for (const live of await liveAppsOfProject(trx, accountId, projectId)) {
    if (wanted.has(live.uid)) continue;
    await deleteApp(trx, live.id, now);
    result.removed.push(live.uid);
  }

  const existing = await trx
    .selectFrom("private_apps")
    .select(["id", "uid", "project_id"])
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .execute();
  const byUid = new Map(existing.map((a) => [a.uid, a]));
  const newOnes = input.apps.filter((a) => !byUid.has(a.uid));
  await enforceAppLimit(trx, accountId, existing.map((a) => a.uid), newOnes.map((a) => a.uid));

  for (const app of input.apps) {
    const found = byUid.get(app.uid);
    if (found && found.project_id !== null && found.project_id !== projectId) {
      throw new ApiError(400, "VALIDATION_ERROR", `The app uid "${app.uid}" already belongs to another project in this account. Choose another uid in app.json.`, {
        subCategory: "PRIVATE_APP_UID_TAKEN",
      });
    }
    const values = { name: app.name, description: app.description, scopes: JSON.stringify(app.scopes), permitted_fetch_urls: JSON.stringify(app.permittedFetchUrls ?? []), project_id: projectId, active_build_id: buildId, updated_at: now };
    let appId: number;
    if (found) {
      appId = found.id;
      await trx.updateTable("private_apps").set(values).where("id", "=", appId).execute();
      result.updated.push(app.uid);
    } else {
      appId = (
        await trx
          .insertInto("private_apps")
          .values({ ...values, account_id: accountId, uid: app.uid, created_at: now, deleted_at: null })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
      await mintAppToken(trx, p, appId, accountId);
      result.created.push(app.uid);
    }
    result.appIds[app.uid] = appId;
    await trx.deleteFrom("app_components").where("app_id", "=", appId).execute();
    const rows = [
      ...app.cards.map((c) => ({ app_id: appId, kind: "card" as const, name: c.uid, build_id: buildId, config: JSON.stringify(c) })),
      ...app.functions.map((f) => ({ app_id: appId, kind: "function" as const, name: f.name, build_id: buildId, config: JSON.stringify(f) })),
    ];
    if (rows.length) await trx.insertInto("app_components").values(rows).execute();
  }
  return result;
}

async function enforceAppLimit(db: Kysely<Database>, accountId: number, live: string[], adding: string[]): Promise<void> {
  if (adding.length === 0) return;
  const account = await db.selectFrom("accounts").select("max_private_apps").where("id", "=", accountId).executeTakeFirstOrThrow();
  if (live.length + adding.length <= account.max_private_apps) return;
  throw new ApiError(
    400,
    "VALIDATION_ERROR",
    `This deploy would create ${adding.length} private app(s) (${adding.join(", ")}), but account ${accountId} already has ${live.length} of its limit of ${account.max_private_apps}: ${live.join(", ")}. Delete an app or raise the account's limit.`,
    { subCategory: "PRIVATE_APP_LIMIT", context: { limit: [String(account.max_private_apps)], existingApps: live, newApps: adding } },
  );
}

/** Deleting an app kills its tokens and components; its logs stay. */
export async function deleteApp(db: Kysely<Database>, appId: number, now: number): Promise<void> {
  await db.updateTable("private_apps").set({ deleted_at: now, active_build_id: null }).where("id", "=", appId).execute();
  await db.updateTable("app_tokens").set({ revoked_at: now }).where("app_id", "=", appId).where("revoked_at", "is", null).execute();
  await db.deleteFrom("app_components").where("app_id", "=", appId).execute();
  forgetCachedTokens();
}
