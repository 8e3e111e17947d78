import type { Kysely, Migration } from "kysely";

/**
 * An index of an app's API calls by method and status, then time: the Logs tab's status and method filters read each
 * (method, status) pair's newest rows from it (logs/log-queries.ts). Through the (app, time) index alone, a filter
 * matching few of an app's calls (a 5xx, a PUT, a 3xx that never happened) read every one of the app's calls: seconds
 * at ten million events.
 */
export function apiCallStatusIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("api_calls_app_method_status_time")
        .on("api_calls")
        .columns(["app_id", "method", "status", "created_at"])
        .execute();
    },
  };
}
