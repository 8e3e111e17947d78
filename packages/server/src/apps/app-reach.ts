import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";
import type { DeployNotice } from "../cluster/cluster-events";

/**
 * Whether an app's cards, functions and webhooks work in an account: a private (static) app in the account it was
 * deployed to; an OAuth app in every account with a live install of it, and only there (as on HubSpot, where the
 * developer account sees an OAuth app's cards only after installing it into an account too). For queries joining
 * `private_apps`.
 */
export function appReaches<TB extends keyof Database>(accountId: number) {
  return (eb: ExpressionBuilder<Database, TB>) => {
    // Every query passing this joins private_apps; the builder's table list just cannot say so generically.
    const e = eb as unknown as ExpressionBuilder<Database, "private_apps">;
    return e.or([
      e.and([e("private_apps.auth_type", "=", "static"), e("private_apps.account_id", "=", accountId)]),
      e.and([
        e("private_apps.auth_type", "=", "oauth"),
        e.exists(
          e
            .selectFrom("app_installs")
            .select("app_installs.id")
            .whereRef("app_installs.app_id", "=", "private_apps.id")
            .where("app_installs.account_id", "=", accountId)
            .where("app_installs.uninstalled_at", "is", null),
        ),
      ]),
    ]);
  };
}

/** The live install of an OAuth app in an account, if any. */
export const liveInstallIn = (db: Kysely<Database>, appId: number, accountId: number) =>
  db
    .selectFrom("app_installs")
    .select(["id", "account_id"])
    .where("app_id", "=", appId)
    .where("account_id", "=", accountId)
    .where("uninstalled_at", "is", null)
    .executeTakeFirst();

/** The accounts an app's deploys and removals must reach besides its own: those with a live install of it. */
export async function installedAccounts(db: Kysely<Database>, appId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("app_installs")
    .select("account_id")
    .where("app_id", "=", appId)
    .where("uninstalled_at", "is", null)
    .execute();
  return rows.map((r) => r.account_id);
}

/**
 * A live app named by id (or uid) that reaches the account: what a card's `hubspot.fetch` and `runServerlessFunction`
 * act for. An installed OAuth app's uid belongs to its developer account, so only its own apps match by uid.
 */
export async function findReachingApp(db: Kysely<Database>, accountId: number, ref: string) {
  const byId = /^\d+$/.test(ref);
  const app = await db
    .selectFrom("private_apps")
    .selectAll()
    .where(appReaches(accountId))
    .where("deleted_at", "is", null)
    .where((eb) =>
      byId
        ? eb.or([eb("id", "=", Number(ref)), eb.and([eb("uid", "=", ref), eb("account_id", "=", accountId)])])
        : eb.and([eb("uid", "=", ref), eb("account_id", "=", accountId)]),
    )
    .executeTakeFirst();
  if (!app)
    throw notFound(`No app "${ref}" is deployed in or installed into account ${accountId}. Run \`sprocket apps list\` to see the apps.`);
  return app;
}

/**
 * A deploy (or removal) of an app changes what runs in every account it reaches: the notice for its developer account
 * is repeated for each account with a live install, so their record pages reload, their runners move to the new build
 * and their webhook subscriptions are read again.
 */
export async function noticesForInstalls(db: Kysely<Database>, notices: readonly DeployNotice[]): Promise<DeployNotice[]> {
  if (notices.length === 0) return [];
  const installs = await db
    .selectFrom("app_installs")
    .select(["app_id", "account_id"])
    .where(
      "app_id",
      "in",
      notices.map((n) => n.appId),
    )
    .where("uninstalled_at", "is", null)
    .execute();
  return [
    ...notices,
    ...installs.flatMap((i) =>
      notices.filter((n) => n.appId === i.app_id && n.accountId !== i.account_id).map((n) => ({ ...n, accountId: i.account_id })),
    ),
  ];
}
