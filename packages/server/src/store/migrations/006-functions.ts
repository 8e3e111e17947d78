import type { Kysely, Migration } from "kysely";
import { notNull } from "./columns";

export function functionsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("secrets")
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("name", "text", notNull)
        .addColumn("value_sealed", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addPrimaryKeyConstraint("secrets_pk", ["account_id", "name"])
        .execute();
    },
  };
}
