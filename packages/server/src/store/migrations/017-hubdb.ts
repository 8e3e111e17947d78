import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * HubDB tables and rows per account. A table holds its draft definition and, once published, the published copy; a
 * row holds its draft values and its published ones (null where the row exists on one side only).
 */
export function hubdbMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("hubdb_tables"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("draft", "text", notNull)
        .addColumn("published", "text")
        .addColumn("published_at", "bigint")
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("hubdb_tables_account_name").on("hubdb_tables").columns(["account_id", "name"]).execute();
      await withId(db.schema.createTable("hubdb_rows"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("table_id", "bigint", notNull)
        .addColumn("draft", "text")
        .addColumn("published", "text")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("hubdb_rows_table").on("hubdb_rows").columns(["table_id", "id"]).execute();
    },
  };
}
