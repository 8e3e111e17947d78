import type { Kysely } from "kysely";
import { internalType, type ExtensionModel, type FeatureModel } from "@sprocket/project-format";
import type { Database } from "../store/schema";
import type { AppComponentsTable } from "./tables";
import { noticesForInstalls } from "./app-reach";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { mintAppToken } from "./app-tokens";
import { authColumns, becameOAuthApp } from "../oauth/oauth-apps";
import { registerWorkflowActions, removeWorkflowActionsOf } from "../workflows/action-registry";
import { installAccounts, provisionAppObjects } from "../crm/app-objects";
import { provisionEventTemplates } from "../timeline/event-templates";

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

/** An app page, settings page or bulk action: its checked config and where its bundle lives, for the host to render. */
export type DeployedExtension = Pick<ExtensionModel, "uid" | "type" | "config"> & {
  /** Path of the bundle inside the build artifact. */
  bundle: string;
};

/** Webhooks (delivered by the webhooks domain), workflow actions, app objects and events: recorded as data. */
export type DeployedFeature = Pick<FeatureModel, "uid" | "type" | "config">;

export interface DeployedApp {
  uid: string;
  name: string;
  description: string;
  scopes: string[];
  /** OAuth apps only: scopes an install may add to `scopes` (absent in builds made before OAuth apps). */
  optionalScopes?: string[];
  /** Present for OAuth apps, installed into accounts through /oauth/authorize. */
  oauth?: { distribution: "private" | "marketplace"; redirectUrls: string[] };
  /** `permittedUrls.fetch` (absent in builds made before it was kept): what `hubspot.fetch` may reach. */
  permittedFetchUrls?: string[];
  cards: DeployedCard[];
  functions: DeployedFunction[];
  /** Absent in builds recorded before 2025.2+ pages and features were read. */
  extensions?: DeployedExtension[];
  features?: DeployedFeature[];
}

export interface Removal {
  uid: string;
  kind: "app" | ComponentKind;
  name: string;
}

type ComponentKind = AppComponentsTable["kind"];

/** An app's components as app_components rows: kind, name (card uid, function name, component uid) and the config stored. */
export function appComponentRows(app: DeployedApp): { kind: ComponentKind; name: string; config: object }[] {
  return [
    ...app.cards.map((c) => ({ kind: "card" as const, name: c.uid, config: c })),
    ...app.functions.map((f) => ({ kind: "function" as const, name: f.name, config: f })),
    ...(app.extensions ?? []).map((e) => ({ kind: e.type, name: e.uid, config: e })),
    ...(app.features ?? []).map((f) => ({ kind: f.type, name: f.uid, config: f })),
  ];
}

/** HubSpot's name for a component kind in build and deploy statuses: CARD, APP_FUNCTION, PAGE, WEBHOOKS, ... */
export function componentTypeName(kind: "app" | ComponentKind): string {
  return kind === "function" ? "APP_FUNCTION" : internalType(kind);
}

const liveAppsOfProject = (db: Kysely<Database>, accountId: number, projectId: number) =>
  db
    .selectFrom("private_apps")
    .select(["id", "uid", "name", "active_build_id"])
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
    const keep = new Set(appComponentRows(next).map((c) => `${c.kind}:${c.name}`));
    const components = await db.selectFrom("app_components").select(["kind", "name"]).where("app_id", "=", live.id).execute();
    for (const c of components) if (!keep.has(`${c.kind}:${c.name}`)) removals.push({ uid: live.uid, kind: c.kind, name: c.name });
  }
  return removals;
}

/** An app a change removed, for `appsRemoved` once that change has committed. */
export interface RemovedApp {
  accountId: number;
  appId: number;
  previousBuildId: number | null;
}

/**
 * Once the removal of apps has committed: this node forgets its cached token answers, and every node hears that the
 * apps' live builds are gone (their runners stop, open record pages drop their cards), as after a deploy that
 * removed them. The removal stands whether or not the notice gets out.
 */
export async function appsRemoved(p: Platform, removed: readonly RemovedApp[]): Promise<void> {
  p.apps.tokens.invalidate();
  await noticesForInstalls(
    p.store.db,
    removed.map((r) => ({ ...r, buildId: null })),
  )
    .then((notices) => Promise.all(notices.map((n) => p.cluster.announceDeploy(n))))
    .catch((err: unknown) => p.log.error({ err, appIds: removed.map((r) => r.appId) }, "could not announce the removal of apps"));
}

/**
 * Inside the deploy's transaction: create or update each app by uid (a token is minted on create), replace its
 * components, create or update its app objects and their association types (in its account and every account it is
 * installed into) and its event templates, set its active build, and remove the project's apps that are no longer
 * listed.
 */
export async function provisionApps(
  trx: Kysely<Database>,
  p: Platform,
  input: { accountId: number; projectId: number; buildId: number; apps: DeployedApp[] },
): Promise<{
  appIds: Record<string, number>;
  created: string[];
  updated: string[];
  removed: string[];
  removedApps: RemovedApp[];
  /** The app objects made or updated, per account, whose cached types and properties to drop once this commits. */
  appObjectTypes: { accountId: number; typeId: string }[];
}> {
  const now = p.clock.now();
  const { accountId, projectId, buildId } = input;
  const result = {
    appIds: {} as Record<string, number>,
    created: [] as string[],
    updated: [] as string[],
    removed: [] as string[],
    removedApps: [] as RemovedApp[],
    appObjectTypes: [] as { accountId: number; typeId: string }[],
  };

  const wanted = new Set(input.apps.map((a) => a.uid));
  for (const live of await liveAppsOfProject(trx, accountId, projectId)) {
    if (wanted.has(live.uid)) continue;
    await deleteApp(trx, live.id, now);
    result.removed.push(live.uid);
    result.removedApps.push({ accountId, appId: live.id, previousBuildId: live.active_build_id });
  }

  const existing = await trx
    .selectFrom("private_apps")
    .select(["id", "uid", "project_id"])
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .execute();
  const byUid = new Map(existing.map((a) => [a.uid, a]));
  const newOnes = input.apps.filter((a) => !byUid.has(a.uid));
  await enforceAppLimit(
    trx,
    accountId,
    existing.map((a) => a.uid),
    newOnes.map((a) => a.uid),
  );

  for (const app of input.apps) {
    const found = byUid.get(app.uid);
    if (found && found.project_id !== null && found.project_id !== projectId) {
      throw new DomainError(
        "invalid",
        `The app uid "${app.uid}" already belongs to another project in this account. Choose another uid in app.json.`,
        {
          subCategory: "PRIVATE_APP_UID_TAKEN",
        },
      );
    }
    const values = {
      name: app.name,
      description: app.description,
      scopes: JSON.stringify(app.scopes),
      permitted_fetch_urls: JSON.stringify(app.permittedFetchUrls ?? []),
      project_id: projectId,
      active_build_id: buildId,
      updated_at: now,
      ...authColumns(app),
    };
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
      if (!app.oauth) await mintAppToken(trx, p, appId, accountId);
      result.created.push(app.uid);
    }
    if (app.oauth) await becameOAuthApp(trx, appId, now);
    result.appIds[app.uid] = appId;
    await trx.deleteFrom("app_components").where("app_id", "=", appId).execute();
    const rows = appComponentRows(app).map((c) => ({
      app_id: appId,
      kind: c.kind,
      name: c.name,
      build_id: buildId,
      config: JSON.stringify(c.config),
    }));
    if (rows.length) await trx.insertInto("app_components").values(rows).execute();
    const features = app.features ?? [];
    await registerWorkflowActions(trx, accountId, appId, buildId, features, now);
    const appObjects = await provisionAppObjects(trx, p, { accountId, appId, features });
    await provisionEventTemplates(trx, p, { appId, features, appObjects });
    result.appObjectTypes.push(...[...appObjects.values()].map((t) => ({ accountId, typeId: t.id })));
    for (const installed of await installAccounts(trx, appId, accountId)) {
      const types = await provisionAppObjects(trx, p, { accountId: installed, appId, features });
      result.appObjectTypes.push(...[...types.values()].map((t) => ({ accountId: installed, typeId: t.id })));
    }
  }
  return result;
}

async function enforceAppLimit(db: Kysely<Database>, accountId: number, live: string[], adding: string[]): Promise<void> {
  if (adding.length === 0) return;
  const account = await db.selectFrom("accounts").select("max_private_apps").where("id", "=", accountId).executeTakeFirstOrThrow();
  if (live.length + adding.length <= account.max_private_apps) return;
  throw new DomainError(
    "invalid",
    `This deploy would create ${adding.length} private app(s) (${adding.join(", ")}), but account ${accountId} already has ${live.length} of its limit of ${account.max_private_apps}: ${live.join(", ")}. Delete an app or raise the account's limit.`,
    { subCategory: "PRIVATE_APP_LIMIT", context: { limit: [String(account.max_private_apps)], existingApps: live, newApps: adding } },
  );
}

/** Deleting an app kills its tokens (OAuth installs' included) and components; its logs stay. Invalidate the token cache once this commits. */
export async function deleteApp(db: Kysely<Database>, appId: number, now: number): Promise<void> {
  await db.updateTable("private_apps").set({ deleted_at: now, active_build_id: null }).where("id", "=", appId).execute();
  await db.updateTable("app_tokens").set({ revoked_at: now }).where("app_id", "=", appId).where("revoked_at", "is", null).execute();
  await db.deleteFrom("app_components").where("app_id", "=", appId).execute();
  await removeWorkflowActionsOf(db, appId, now);
}
