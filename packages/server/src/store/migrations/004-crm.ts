import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

export function crmMigration(engine: Engine): Migration {
  const double = engine === "postgres" ? "double precision" : "real";
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("crm_objects"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addColumn("archived_at", "bigint")
        .addColumn("properties", "text", notNull)
        .execute();
      // Paging by id, and the sorts and filters on createdate / lastmodifieddate, which are columns.
      for (const col of ["id", "created_at", "updated_at"]) {
        await db.schema
          .createIndex(`crm_objects_by_${col}`)
          .on("crm_objects")
          .columns(["account_id", "object_type_id", "archived", col])
          .execute();
      }

      await db.schema
        .createTable("crm_property_values")
        .addColumn("object_id", "bigint", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("value_text", "text")
        .addColumn("value_num", double)
        .addPrimaryKeyConstraint("crm_property_values_pk", ["object_id", "name"])
        .execute();
      // object_id last: the filter subqueries are answered from the index alone.
      await db.schema
        .createIndex("crm_values_text")
        .on("crm_property_values")
        .columns(["account_id", "object_type_id", "name", "value_text", "object_id"])
        .execute();
      await db.schema
        .createIndex("crm_values_num")
        .on("crm_property_values")
        .columns(["account_id", "object_type_id", "name", "value_num", "object_id"])
        .execute();

      await withId(db.schema.createTable("crm_property_history"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_id", "bigint", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("value", "text")
        .addColumn("timestamp", "bigint", notNull)
        .addColumn("source_type", "text", notNull)
        .addColumn("source_id", "text")
        .execute();
      await db.schema.createIndex("crm_history_object").on("crm_property_history").columns(["object_id", "name", "timestamp"]).execute();

      await db.schema
        .createTable("crm_properties")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("definition", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addPrimaryKeyConstraint("crm_properties_pk", ["account_id", "object_type_id", "name"])
        .execute();
      await db.schema
        .createTable("crm_property_groups")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("label", "text", notNull)
        .addColumn("display_order", "integer", notNull)
        .addColumn("archived", "integer", notNull)
        .addPrimaryKeyConstraint("crm_property_groups_pk", ["account_id", "object_type_id", "name"])
        .execute();

      await db.schema
        .createTable("crm_associations")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("from_type", "text", notNull)
        .addColumn("from_id", "bigint", notNull)
        .addColumn("to_type", "text", notNull)
        .addColumn("to_id", "bigint", notNull)
        .addColumn("type_id", "integer", notNull)
        .addColumn("category", "text", notNull)
        .addPrimaryKeyConstraint("crm_associations_pk", ["from_id", "to_type", "to_id", "category", "type_id"])
        .execute();
      await db.schema.createIndex("crm_associations_to").on("crm_associations").column("to_id").execute();

      await db.schema
        .createTable("crm_association_labels")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("from_type", "text", notNull)
        .addColumn("to_type", "text", notNull)
        .addColumn("type_id", "integer", notNull)
        .addColumn("label", "text", notNull)
        .addColumn("name", "text", notNull)
        .addPrimaryKeyConstraint("crm_association_labels_pk", ["account_id", "from_type", "to_type", "type_id"])
        .execute();

      await withId(db.schema.createTable("crm_owners"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("email", "text", notNull)
        .addColumn("first_name", "text", notNull)
        .addColumn("last_name", "text", notNull)
        .addColumn("user_id", "bigint", notNull)
        .addColumn("type", "text", notNull)
        .addColumn("teams", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("crm_owners_account").on("crm_owners").columns(["account_id", "id"]).execute();
    },
  };
}
