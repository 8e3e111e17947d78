import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

export function accountsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("accounts")
        .addColumn("id", "bigint", (c) => c.primaryKey())
        .addColumn("name", "text", notNull)
        .addColumn("tier", "text", notNull)
        .addColumn("max_private_apps", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await withId(db.schema.createTable("users"), engine)
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("password_hash", "text", notNull)
        .addColumn("first_name", "text", notNull)
        .addColumn("last_name", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await db.schema
        .createTable("memberships")
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role", "text", notNull)
        .addPrimaryKeyConstraint("memberships_pk", ["account_id", "user_id"])
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("csrf_token", "text", notNull)
        .addColumn("expires_at", "bigint", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await withId(db.schema.createTable("personal_access_keys"), engine)
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("name", "text", notNull)
        .addColumn("key_hash", "text", (c) => c.notNull().unique())
        .addColumn("key_prefix", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("last_used_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema
        .createTable("developer_tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("key_id", "bigint", (c) => c.notNull().references("personal_access_keys.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("expires_at", "bigint", notNull)
        .execute();
    },
  };
}
