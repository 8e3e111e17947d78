import type { Kysely, Migration } from "kysely";
import { notNull } from "./columns";

export function bootstrapMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("bootstrap")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("info_sealed", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
    },
  };
}
