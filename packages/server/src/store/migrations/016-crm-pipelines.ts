import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * An account's own pipelines and its changes to HubSpot's built-in ones (a row per pipeline, its stages in the JSON
 * definition), and the audit trail of every change the pipelines API made.
 */
export function crmPipelinesMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("crm_pipelines")
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("pipeline_id", "text", notNull)
        .addColumn("definition", "text", notNull)
        .addColumn("archived", "integer", notNull)
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addPrimaryKeyConstraint("crm_pipelines_pk", ["account_id", "object_type_id", "pipeline_id"])
        .execute();
      await withId(db.schema.createTable("crm_pipeline_audits"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("object_type_id", "text", notNull)
        .addColumn("pipeline_id", "text", notNull)
        .addColumn("stage_id", "text")
        .addColumn("action", "text", notNull)
        .addColumn("source_id", "text", notNull)
        .addColumn("raw", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await db.schema
        .createIndex("crm_pipeline_audits_pipeline")
        .on("crm_pipeline_audits")
        .columns(["account_id", "object_type_id", "pipeline_id"])
        .execute();
    },
  };
}
