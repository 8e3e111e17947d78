import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/** Custom object types (HubSpot's schemas API): the id is the `<n>` of the type id "2-<n>", unique across accounts. */
export function crmObjectSchemasMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("crm_object_schemas"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("definition", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema
        .createIndex("crm_object_schemas_account_name")
        .on("crm_object_schemas")
        .columns(["account_id", "name"])
        .unique()
        .execute();
    },
  };
}
