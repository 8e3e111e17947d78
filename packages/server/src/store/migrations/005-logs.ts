import type { CreateTableBuilder, Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/**
 * Log tables with a time index for retention's bulk deletes, an (app, time) index for the Logs tabs and a trace index
 * for trace lookups. Not partitioned: see docs/logs.md for why, and for when to switch PostgreSQL to daily partitions.
 */
export function logsMigration(engine: Engine): Migration {
  const traced = <T extends string>(t: CreateTableBuilder<T, "id">) =>
    t
      .addColumn("trace_id", "text", notNull)
      .addColumn("span_id", "text", notNull)
      .addColumn("parent_span_id", "text")
      .addColumn("created_at", "bigint", notNull);
  const indexes = async (db: Kysely<unknown>, table: string) => {
    await db.schema.createIndex(`${table}_time`).on(table).column("created_at").execute();
    await db.schema.createIndex(`${table}_app_time`).on(table).columns(["app_id", "created_at"]).execute();
    await db.schema.createIndex(`${table}_trace`).on(table).column("trace_id").execute();
  };
  return {
    async up(db: Kysely<unknown>) {
      await traced(
        withId(db.schema.createTable("api_calls"), engine)
          .addColumn("account_id", "bigint", notNull)
          .addColumn("app_id", "bigint", notNull)
          .addColumn("token_id", "bigint", notNull)
          .addColumn("method", "text", notNull)
          .addColumn("path", "text", notNull)
          .addColumn("query", "text", notNull)
          .addColumn("status", "integer", notNull)
          .addColumn("duration_ms", "double precision", notNull)
          .addColumn("user_agent", "text")
          .addColumn("address", "text")
          .addColumn("request_headers", "text")
          .addColumn("request_body", "text")
          .addColumn("response_body", "text"),
      ).execute();
      await indexes(db, "api_calls");

      await traced(
        withId(db.schema.createTable("function_runs"), engine)
          .addColumn("account_id", "bigint", notNull)
          .addColumn("app_id", "bigint", notNull)
          .addColumn("build_id", "bigint", notNull)
          .addColumn("function_name", "text", notNull)
          .addColumn("outcome", "text", notNull)
          .addColumn("duration_ms", "double precision", notNull)
          .addColumn("peak_rss_bytes", "bigint")
          .addColumn("logs", "text", notNull)
          .addColumn("error_type", "text")
          .addColumn("error_message", "text")
          .addColumn("error_stack", "text")
          .addColumn("invoker_user_id", "bigint")
          .addColumn("invoker_label", "text", notNull),
      ).execute();
      await indexes(db, "function_runs");

      await traced(
        withId(db.schema.createTable("extension_events"), engine)
          .addColumn("account_id", "bigint", notNull)
          .addColumn("app_id", "bigint", notNull)
          .addColumn("user_id", "bigint")
          .addColumn("card_uid", "text", notNull)
          .addColumn("location", "text", notNull)
          .addColumn("object_type_id", "text")
          .addColumn("object_id", "text")
          .addColumn("kind", "text", notNull)
          .addColumn("level", "text", notNull)
          .addColumn("message", "text", notNull)
          .addColumn("duration_ms", "double precision"),
      ).execute();
      await indexes(db, "extension_events");

      // security_events (from 002) gets the indexes retention and trace lookups need.
      await db.schema.createIndex("security_events_time").on("security_events").column("created_at").execute();
      await db.schema.createIndex("security_events_trace").on("security_events").column("trace_id").execute();
    },
  };
}
