import type { Kysely } from "kysely";
import type { AppComponent } from "@sprocket/contract";
import type { Database } from "../store/schema";
import { notFound } from "../errors/domain-error";

/** An app named by its numeric id or its uid, live, in the caller's account. */
export async function findApp(db: Kysely<Database>, accountId: number, ref: string) {
  let q = db.selectFrom("private_apps").selectAll().where("account_id", "=", accountId).where("deleted_at", "is", null);
  q = /^\d+$/.test(ref) ? q.where((eb) => eb.or([eb("id", "=", Number(ref)), eb("uid", "=", ref)])) : q.where("uid", "=", ref);
  const app = await q.executeTakeFirst();
  if (!app) throw notFound(`No private app "${ref}" in account ${accountId}. Run \`sprocket apps list\` to see the apps.`);
  return app;
}

export async function listApps(db: Kysely<Database>, accountId: number) {
  return db
    .selectFrom("private_apps")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .orderBy("name")
    .execute();
}

/** Typed by the contract: a component kind the server adds and the contract does not name fails to compile here. */
export async function appComponents(db: Kysely<Database>, appId: number): Promise<AppComponent[]> {
  const rows = await db.selectFrom("app_components").selectAll().where("app_id", "=", appId).orderBy("kind").orderBy("name").execute();
  return rows.map((r) => ({ kind: r.kind, name: r.name, buildId: r.build_id, config: JSON.parse(r.config) as Record<string, unknown> }));
}
