import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/** Webhook deliveries, a log kind of their own (indexed as the other log tables are), and jobs that wait before they run (a retry's back-off). */
export function webhooksMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("jobs").addColumn("run_after", "bigint").execute();
      await withId(db.schema.createTable("webhook_deliveries"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("app_id", "bigint", notNull)
        .addColumn("component_uid", "text", notNull)
        .addColumn("target_url", "text", notNull)
        .addColumn("event_count", "integer", notNull)
        .addColumn("attempt", "integer", notNull)
        .addColumn("outcome", "text", notNull)
        .addColumn("status", "integer")
        .addColumn("duration_ms", "double precision", notNull)
        .addColumn("error", "text")
        .addColumn("events", "text", notNull)
        .addColumn("trace_id", "text", notNull)
        .addColumn("span_id", "text", notNull)
        .addColumn("created_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("webhook_deliveries_time").on("webhook_deliveries").column("created_at").execute();
      await db.schema.createIndex("webhook_deliveries_app_time").on("webhook_deliveries").columns(["app_id", "created_at"]).execute();
      await db.schema.createIndex("webhook_deliveries_trace").on("webhook_deliveries").column("trace_id").execute();
    },
  };
}
