import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

/** Dev sessions (`sprocket project dev`, `hs project dev`) and the card and page bundles they serve instead of a build's. */
export function devSessionsMigration(engine: Engine): Migration {
  const bytes = engine === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("dev_sessions"), engine)
        .addColumn("account_id", "bigint", notNull)
        .addColumn("project_id", "bigint")
        .addColumn("user_id", "bigint", notNull)
        .addColumn("kind", "text", notNull)
        .addColumn("ports", "text", notNull)
        .addColumn("opened_at", "bigint", notNull)
        .addColumn("expires_at", "bigint", notNull)
        .addColumn("closed_at", "bigint")
        .addColumn("saves", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("dev_sessions_account").on("dev_sessions").columns(["account_id", "closed_at"]).execute();
      await db.schema
        .createTable("dev_session_bundles")
        .addColumn("session_id", "bigint", notNull)
        .addColumn("app_id", "bigint", notNull)
        .addColumn("component_uid", "text", notNull)
        .addColumn("version", "integer", notNull)
        .addColumn("source", bytes, notNull)
        .addColumn("inputs", "text", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addPrimaryKeyConstraint("dev_session_bundles_pk", ["session_id", "app_id", "component_uid"])
        .execute();
    },
  };
}
