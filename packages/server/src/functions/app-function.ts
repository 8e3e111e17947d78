import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { DeployedFunction } from "../apps/provision";
import { DomainError } from "../errors/domain-error";
import { appReaches, liveInstallIn } from "../apps/app-reach";

export interface DeployedAppFunction {
  appId: number;
  /** The account that deployed the app and owns its build. */
  accountId: number;
  /** For an OAuth app: its install in the account the call is for, whose data and token the function gets. */
  install: { id: number; accountId: number } | null;
  buildId: number;
  fn: DeployedFunction;
  /** Every function bundle of the app's build: they share one runner folder. */
  bundles: string[];
}

/** The runner pool's key for one app's build on a node: invocations, deploy eviction and prewarming all use it. */
export const runnerBuildKey = (accountId: number, appId: number, buildId: number) => `${accountId}/${appId}/${buildId}`;

function functionNotFound(message: string): DomainError {
  return new DomainError("not_found", message, { subCategory: "FUNCTION_NOT_FOUND" });
}

/** The account a function call acts in: the install's for an installed OAuth app, else the app's own. */
export const runAccountOf = (target: Pick<DeployedAppFunction, "accountId" | "install">) => target.install?.accountId ?? target.accountId;

/**
 * The live function `name` of a live app that reaches the account (its own private app, or an OAuth app installed
 * into it), from the app's active build.
 */
export async function findAppFunction(db: Kysely<Database>, accountId: number, appId: number, name: string): Promise<DeployedAppFunction> {
  // One statement, the app and its functions together: under load every read waits for a pool connection of its own,
  // and this runs before every card function call (the reliability mix on PostgreSQL, docs/decisions.md).
  const rows = await db
    .selectFrom("private_apps")
    .leftJoin("app_components", (join) =>
      join.onRef("app_components.app_id", "=", "private_apps.id").on("app_components.kind", "=", "function"),
    )
    .select(["private_apps.account_id", "private_apps.auth_type", "private_apps.active_build_id", "app_components.config"])
    .where("private_apps.id", "=", appId)
    .where(appReaches(accountId))
    .where("private_apps.deleted_at", "is", null)
    .execute();
  const app = rows[0];
  if (!app || app.active_build_id === null)
    throw functionNotFound(`No deployed private app ${appId} in account ${accountId}, and no OAuth app ${appId} installed into it.`);
  const install = app.auth_type === "oauth" ? ((await liveInstallIn(db, appId, accountId)) ?? null) : null;
  const fns = rows.flatMap((r) => (r.config === null ? [] : [JSON.parse(r.config) as DeployedFunction]));
  const fn = fns.find((f) => f.name === name);
  if (!fn) {
    const known = fns.map((f) => f.name).join(", ") || "none";
    throw functionNotFound(`App ${appId} has no function "${name}" (its functions: ${known}). Check the name in serverless.json.`);
  }
  return {
    appId,
    accountId: app.account_id,
    install: install && { id: install.id, accountId: install.account_id },
    buildId: app.active_build_id,
    fn,
    bundles: fns.map((f) => f.bundle),
  };
}

/** The serverless.json entries of the functions an app's active build deployed. */
export async function appFunctionConfigs(db: Kysely<Database>, appId: number): Promise<Array<Record<string, unknown>>> {
  const rows = await db.selectFrom("app_components").select("config").where("app_id", "=", appId).where("kind", "=", "function").execute();
  return rows.map((r) => JSON.parse(r.config) as Record<string, unknown>);
}
