import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { LogEvent, LogKind } from "@sprocket/contract";

/** Whose rows a log read covers. */
export interface Scope {
  /** The caller's account: the app's owner on the app routes. */
  accountId: number;
  appId?: number;
  /**
   * An OAuth app's: its owner and every account it is or was installed in, with their names. Its API calls, function
   * runs and extension events there are logged under that account and are the developer's to read; the security events
   * there (an install, an uninstall by that account's admin) stay that account's.
   */
  accounts?: ReadonlyMap<number, string>;
}

/** The accounts whose rows of this kind the scope reads: listed, never "any account", so `(app_id, created_at)` and `account_id` both narrow. */
export function accountsOf(scope: Scope, kind: LogKind): number[] {
  return kind !== "security" && scope.accounts ? [...scope.accounts.keys()] : [scope.accountId];
}

/** The event with the name of its account, for an OAuth app's developer (who sees the rows of many accounts). */
export function withAccountName<E extends LogEvent>(scope: Scope, event: E): E {
  const name = scope.accounts?.get(event.accountId);
  return name === undefined ? event : { ...event, accountName: name };
}

/** The scope of an app's Logs tabs for its owner account: an OAuth app's reaches every account it was installed in. */
export async function appLogScope(
  db: Kysely<Database>,
  accountId: number,
  app: { id: number; auth_type: string },
): Promise<Scope & { appId: number }> {
  if (app.auth_type !== "oauth") return { accountId, appId: app.id };
  // Uninstalled installs count: what the app did there while installed stays the developer's to read.
  const installed = db.selectFrom("app_installs").select("account_id").where("app_id", "=", app.id);
  const rows = await db
    .selectFrom("accounts")
    .select(["id", "name"])
    .where((eb) => eb.or([eb("id", "=", accountId), eb("id", "in", installed)]))
    .orderBy("id")
    .execute();
  return { accountId, appId: app.id, accounts: new Map(rows.map((r) => [Number(r.id), r.name])) };
}
