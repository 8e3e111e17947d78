import { sql, type Kysely, type Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

export function privateAppsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Per-account API limits (HubSpot's tiers: 100 or 190 per 10 s, 250k to 1M per day, search 5/s).
      await db.schema
        .alterTable("accounts")
        .addColumn("api_limit_ten_secondly", "integer", (c) => c.notNull().defaultTo(190))
        .execute();
      await db.schema
        .alterTable("accounts")
        .addColumn("api_limit_daily", "bigint", (c) => c.notNull().defaultTo(1_000_000))
        .execute();
      await db.schema
        .alterTable("accounts")
        .addColumn("search_limit_secondly", "integer", (c) => c.notNull().defaultTo(5))
        .execute();

      await withId(db.schema.createTable("private_apps"), engine)
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("uid", "text", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("description", "text", notNull)
        .addColumn("scopes", "text", notNull)
        .addColumn("project_id", "bigint")
        .addColumn("active_build_id", "bigint")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addColumn("deleted_at", "bigint")
        .execute();
      // The uid is the identity of a live app; a deleted app's uid may be used again.
      await sql`create unique index private_apps_live_uid on private_apps (account_id, uid) where deleted_at is null`.execute(db);

      await withId(db.schema.createTable("app_tokens"), engine)
        .addColumn("app_id", "bigint", (c) => c.notNull().references("private_apps.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", notNull)
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("token_sealed", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("expires_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .addColumn("last_used_at", "bigint")
        .execute();
      await db.schema.createIndex("app_tokens_app").on("app_tokens").column("app_id").execute();

      await db.schema
        .createTable("app_components")
        .addColumn("app_id", "bigint", (c) => c.notNull().references("private_apps.id").onDelete("cascade"))
        .addColumn("kind", "text", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("build_id", "bigint", notNull)
        .addColumn("config", "text", notNull)
        .addPrimaryKeyConstraint("app_components_pk", ["app_id", "kind", "name"])
        .execute();

      // Security events start here (token shown, rotated, expired; app deleted); the logs domain reads them.
      await withId(db.schema.createTable("security_events"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("app_id", "bigint")
        .addColumn("type", "text", notNull)
        .addColumn("actor_user_id", "bigint")
        .addColumn("actor_label", "text", notNull)
        .addColumn("address", "text")
        .addColumn("details", "text", notNull)
        .addColumn("trace_id", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("security_events_account_time").on("security_events").columns(["account_id", "created_at"]).execute();
    },
  };
}
