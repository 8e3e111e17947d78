import type { Kysely, Migration } from "kysely";
import { sql } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * App objects, their association types, and app events (issue #21 item 5). An app object is a custom object type
 * whose owner is an app (`app_id`, and the component's uid, so a redeploy finds it again); an app-defined
 * association type is a label row of category INTEGRATOR_DEFINED (`unlabeled` marks the plain one every label
 * implies); event templates belong to an app, events to the account they were sent into.
 */
export function appObjectsEventsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("crm_object_schemas").addColumn("app_id", "bigint").execute();
      await db.schema.alterTable("crm_object_schemas").addColumn("component_uid", "text").execute();
      await db.schema
        .alterTable("crm_association_labels")
        .addColumn("category", "text", (c) => c.notNull().defaultTo(sql`'USER_DEFINED'`))
        .execute();
      await db.schema.alterTable("crm_association_labels").addColumn("app_id", "bigint").execute();
      await db.schema
        .alterTable("crm_association_labels")
        .addColumn("unlabeled", "integer", (c) => c.notNull().defaultTo(0))
        .execute();

      await withId(db.schema.createTable("timeline_event_templates"), engine)
        .addColumn("app_id", "bigint", notNull)
        .addColumn("component_uid", "text", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("object_type", "text", notNull)
        .addColumn("header_template", "text")
        .addColumn("detail_template", "text")
        .addColumn("tokens", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema
        .createIndex("timeline_event_templates_app_uid")
        .on("timeline_event_templates")
        .columns(["app_id", "component_uid"])
        .unique()
        .execute();

      await db.schema
        .createTable("timeline_events")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("template_id", "bigint", notNull)
        .addColumn("event_id", "text", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("object_id", "bigint", notNull)
        .addColumn("timestamp", "bigint", notNull)
        .addColumn("tokens", "text", notNull)
        .addColumn("extra_data", "text")
        .addColumn("created_at", "bigint", notNull)
        .addPrimaryKeyConstraint("timeline_events_pk", ["account_id", "template_id", "event_id"])
        .execute();
      await db.schema
        .createIndex("timeline_events_record")
        .on("timeline_events")
        .columns(["account_id", "object_type_id", "object_id", "timestamp"])
        .execute();
    },
  };
}
