import type { Kysely, Migration } from "kysely";
import type { Engine } from "../database";
import { notNull, withId } from "./columns";

export function projectsMigration(engine: Engine): Migration {
  const bytes = engine === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable("jobs"), engine)
        .addColumn("kind", "text", notNull)
        .addColumn("payload", "text", notNull)
        .addColumn("status", "text", notNull)
        .addColumn("attempts", "integer", notNull)
        .addColumn("max_attempts", "integer", notNull)
        .addColumn("locked_by", "text")
        .addColumn("lease_until", "bigint")
        .addColumn("last_error", "text")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .execute();
      await db.schema.createIndex("jobs_claim").on("jobs").columns(["kind", "status", "id"]).execute();

      await withId(db.schema.createTable("projects"), engine)
        .addColumn("account_id", "bigint", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
        .addColumn("name", "text", notNull)
        .addColumn("last_build_number", "integer", notNull)
        .addColumn("auto_deploy", "integer", notNull)
        .addColumn("deployed_build_id", "bigint")
        .addColumn("git_url", "text")
        .addColumn("git_branch", "text")
        .addColumn("git_secret_sealed", "text")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("updated_at", "bigint", notNull)
        .addUniqueConstraint("projects_account_name", ["account_id", "name"])
        .execute();

      await withId(db.schema.createTable("builds"), engine)
        .addColumn("project_id", "bigint", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", notNull)
        .addColumn("build_number", "integer", notNull)
        .addColumn("status", "text", notNull)
        .addColumn("platform_version", "text")
        .addColumn("upload_message", "text", notNull)
        .addColumn("source", "text", notNull)
        .addColumn("auto_deploy", "integer", notNull)
        .addColumn("auto_deploy_enabled", "integer", notNull)
        .addColumn("auto_deploy_id", "bigint")
        .addColumn("subbuilds", "text", notNull)
        .addColumn("apps", "text")
        .addColumn("source_zip", bytes)
        .addColumn("artifact", bytes)
        .addColumn("error", "text")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .addUniqueConstraint("builds_project_number", ["project_id", "build_number"])
        .execute();

      await withId(db.schema.createTable("deploys"), engine)
        .addColumn("project_id", "bigint", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("account_id", "bigint", notNull)
        .addColumn("build_id", "bigint", (c) => c.notNull().references("builds.id").onDelete("cascade"))
        .addColumn("user_id", "bigint")
        .addColumn("status", "text", notNull)
        .addColumn("allow_removals", "integer", notNull)
        .addColumn("subdeploys", "text", notNull)
        .addColumn("error", "text")
        .addColumn("created_at", "bigint", notNull)
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .execute();
      await db.schema.createIndex("deploys_project").on("deploys").columns(["project_id", "id"]).execute();
    },
  };
}
