import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/** Invitations of people into an account: only the link's hash is kept, so a copy of the database opens no account. */
export function accountInvitesMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("account_invites"), engine)
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("email", "text", notNull)
        .addColumn("role", "text", notNull)
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("invited_by", "bigint", (c) => c.references("users.id").onDelete("set null"))
        .addColumn("created_at", "bigint", notNull)
        .addColumn("expires_at", "bigint", notNull)
        .addColumn("accepted_at", "bigint")
        .execute();
      await db.schema.createIndex("account_invites_account").on("account_invites").columns(["account_id", "email"]).execute();
    },
  };
}
