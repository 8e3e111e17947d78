import type { Kysely, Migration } from "kysely";

/** What `hubspot.fetch` needs per app: the URLs its cards may reach, and the client secret requests are signed with. */
export function appFetchMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("private_apps").addColumn("permitted_fetch_urls", "text").execute();
      await db.schema.alterTable("private_apps").addColumn("client_secret_sealed", "text").execute();
    },
  };
}
