import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * Workflow actions registered at deploy (an id that outlives deploys: HubSpot's actionDefinitionId), the account's
 * workflows, and every call of an action's actionUrl (a log kind of its own, indexed as the other log tables are).
 */
export function workflowActionsMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("workflow_actions"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("app_id", "bigint", notNull)
        .addColumn("uid", "text", notNull)
        .addColumn("version", "integer", notNull)
        .addColumn("config", "text", notNull)
        .addColumn("build_id", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addColumn("removed_at", "bigint")
        .execute();
      await db.schema.createIndex("workflow_actions_app_uid").on("workflow_actions").columns(["app_id", "uid"]).unique().execute();
      await db.schema.createIndex("workflow_actions_account").on("workflow_actions").column("account_id").execute();

      await withId(db.schema.createTable("workflows"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("name", "text", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("trigger", "text", notNull)
        .addColumn("action_id", "bigint", notNull)
        .addColumn("input_fields", "text", notNull)
        .addColumn("created_by", "bigint", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("deleted_at", "bigint")
        .execute();
      await db.schema.createIndex("workflows_account").on("workflows").column("account_id").execute();

      await withId(db.schema.createTable("workflow_action_calls"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("app_id", "bigint", notNull)
        .addColumn("action_id", "bigint", notNull)
        .addColumn("action_uid", "text", notNull)
        .addColumn("workflow_id", "bigint")
        .addColumn("object_type_id", "text", notNull)
        .addColumn("object_id", "bigint", notNull)
        .addColumn("callback_id", "text", notNull)
        .addColumn("attempt", "integer", notNull)
        .addColumn("outcome", "text", notNull)
        .addColumn("status", "integer")
        .addColumn("duration_ms", "double precision", notNull)
        .addColumn("error", "text")
        .addColumn("request", "text", notNull)
        .addColumn("response", "text", notNull)
        .addColumn("output_fields", "text")
        .addColumn("written", "text")
        .addColumn("trace_id", "text", notNull)
        .addColumn("span_id", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("workflow_action_calls_time").on("workflow_action_calls").column("created_at").execute();
      await db.schema.createIndex("workflow_action_calls_app_time").on("workflow_action_calls").columns(["app_id", "created_at"]).execute();
      await db.schema.createIndex("workflow_action_calls_trace").on("workflow_action_calls").column("trace_id").execute();
    },
  };
}
