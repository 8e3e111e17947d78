import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { DeployedApp } from "../apps/provision";

/** What a deploy stores of an app's auth: OAuth apps keep redirect URLs and optional scopes; static apps clear them. */
export function authColumns(app: DeployedApp) {
  const oauth = app.oauth;
  return {
    auth_type: oauth ? ("oauth" as const) : ("static" as const),
    redirect_urls: oauth ? JSON.stringify(oauth.redirectUrls) : null,
    optional_scopes: oauth ? JSON.stringify(app.optionalScopes ?? []) : null,
    distribution: oauth?.distribution ?? null,
  };
}

/**
 * Inside the deploy's transaction, for an app deployed as an OAuth app: a client id on first deploy (kept across
 * deploys, so installs and the app's backend keep working), and no static token: an OAuth app acts only in the accounts
 * that installed it, so a token from its time as a private app dies here.
 */
export async function becameOAuthApp(trx: Kysely<Database>, appId: number, now: number): Promise<void> {
  await trx.updateTable("private_apps").set({ client_id: randomUUID() }).where("id", "=", appId).where("client_id", "is", null).execute();
  await trx
    .updateTable("app_tokens")
    .set({ revoked_at: now })
    .where("app_id", "=", appId)
    .where("kind", "=", "static")
    .where("revoked_at", "is", null)
    .execute();
}
