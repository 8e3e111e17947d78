import { sql, type Kysely, type Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * OAuth apps (issue #22): an app's auth type, client id and redirect URLs; its installs into other accounts; the
 * short-lived authorization codes of the install flow. Access and refresh tokens live in app_tokens with the install
 * they belong to, so the one token lookup serves private-app and OAuth tokens alike.
 */
export function oauthMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("private_apps")
        .addColumn("auth_type", "text", (c) => c.notNull().defaultTo("static"))
        .execute();
      await db.schema.alterTable("private_apps").addColumn("client_id", "text").execute();
      await db.schema.alterTable("private_apps").addColumn("redirect_urls", "text").execute();
      await db.schema.alterTable("private_apps").addColumn("optional_scopes", "text").execute();
      await db.schema.alterTable("private_apps").addColumn("distribution", "text").execute();
      await sql`create unique index private_apps_client_id on private_apps (client_id) where client_id is not null`.execute(db);

      await withId(db.schema.createTable("app_installs"), engine)
        .addColumn("app_id", "bigint", (c) => c.notNull().references("private_apps.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("scopes", "text", notNull)
        .addColumn("installed_at", "bigint", notNull)
        .addColumn("installed_by", "bigint", notNull)
        .addColumn("uninstalled_at", "bigint")
        .execute();
      await sql`create unique index app_installs_live on app_installs (app_id, account_id) where uninstalled_at is null`.execute(db);

      // "access" tokens authenticate API calls; "refresh" tokens only mint access tokens. Private-app tokens: "static".
      await db.schema.alterTable("app_tokens").addColumn("install_id", "bigint").execute();
      await db.schema
        .alterTable("app_tokens")
        .addColumn("kind", "text", (c) => c.notNull().defaultTo("static"))
        .execute();
      await db.schema.createIndex("app_tokens_install").on("app_tokens").column("install_id").execute();

      await db.schema
        .createTable("oauth_codes")
        .addColumn("code_hash", "text", (c) => c.primaryKey())
        .addColumn("app_id", "bigint", (c) => c.notNull().references("private_apps.id").onDelete("cascade"))
        .addColumn("install_id", "bigint", notNull)
        .addColumn("redirect_uri", "text", notNull)
        .addColumn("expires_at", "bigint", notNull)
        .addColumn("used_at", "bigint")
        .addColumn("refresh_token_id", "bigint")
        .execute();
    },
  };
}
