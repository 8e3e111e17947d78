import type { Kysely } from "kysely";
import type { AppPage } from "@sprocket/contract";
import type { Database } from "../store/schema";
import type { DeployedExtension } from "../apps/provision";
import { bundleUrl, liveComponents } from "./record-cards";
import { PAGE_KINDS } from "./hosted-kinds";
import { servedDevBundles } from "../dev-sessions/sessions";

/**
 * The app pages and settings pages of the account's live builds (of one app, if given), apps by name, each from an open
 * dev session's bundle when one serves it.
 */
export async function appPages(db: Kysely<Database>, accountId: number, now: number, appId?: number): Promise<AppPage[]> {
  let query = liveComponents(db, accountId, PAGE_KINDS).orderBy("app_components.name");
  if (appId !== undefined) query = query.where("private_apps.id", "=", appId);
  const [rows, dev] = await Promise.all([query.execute(), servedDevBundles(db, accountId, now)]);
  return rows.map((row) => {
    const page = JSON.parse(row.config) as DeployedExtension & { type: AppPage["type"] };
    return {
      appId: row.app_id,
      appName: row.app_name,
      appUid: row.app_uid,
      buildId: row.build_id,
      uid: page.uid,
      type: page.type,
      location: page.type === "settings" ? "settings" : "home",
      bundleUrl: dev.get(`${row.app_id}:${page.uid}`)?.bundleUrl ?? bundleUrl(row.app_id, row.build_id, page.uid),
    };
  });
}
