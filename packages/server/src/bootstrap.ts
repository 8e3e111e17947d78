import fs from "node:fs";
import path from "node:path";
import type { Platform } from "./platform";
import { LOCKS, withAdvisoryLock } from "./cluster/advisory-lock";
import { createAccount, getAccount } from "./accounts/account-service";
import { seedCrm } from "./crm/seed";

export interface BootstrapInfo {
  accountId: number;
  consoleUrl: string;
  superAdmin: { email: string; password: string };
  personalAccessKey: string;
}

export interface BootstrapOptions {
  /**
   * false: the demo account starts with an empty CRM. Test suites that never read the demo records pass it (seeding
   * is most of a first start); operators always get the data set, so no setting exposes it.
   */
  demoCrm?: boolean;
}

export const DEMO_EMAIL = "admin@sprocket.local";

/**
 * First start: a demo account, its super admin and a key. They are kept sealed in the store, so every node of a
 * deployment finds the same account (the first node creates it; nodes starting at the same moment wait their turn),
 * and in `<data-dir>/bootstrap.json` (0600) for the operator and for later starts.
 */
export async function ensureBootstrap(
  p: Platform,
  consoleUrl: string,
  opts: BootstrapOptions = {},
): Promise<{ info: BootstrapInfo; created: boolean }> {
  const file = path.join(p.config.dataDir, "bootstrap.json");
  if (fs.existsSync(file)) {
    const info = JSON.parse(fs.readFileSync(file, "utf8")) as BootstrapInfo;
    if (await getAccount(p, info.accountId)) return { info: { ...info, consoleUrl }, created: false };
  }
  const result =
    p.store.engine === "postgres"
      ? await withAdvisoryLock(p.store.db, LOCKS.bootstrap, () => bootstrapOnce(p, consoleUrl, opts))
      : await bootstrapOnce(p, consoleUrl, opts);
  fs.mkdirSync(p.config.dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result.info, null, 2) + "\n", { mode: 0o600 });
  return result;
}

async function bootstrapOnce(p: Platform, consoleUrl: string, opts: BootstrapOptions): Promise<{ info: BootstrapInfo; created: boolean }> {
  const db = p.store.db;
  const row = await db.selectFrom("bootstrap").select("info_sealed").where("id", "=", 1).executeTakeFirst();
  if (row) {
    let info: BootstrapInfo;
    try {
      info = JSON.parse(p.box.open(row.info_sealed)) as BootstrapInfo;
    } catch {
      throw new Error(
        "The demo account in the database was sealed with another key: every node must be started with the same SPROCKET_SECRET_KEY.",
      );
    }
    if (await getAccount(p, info.accountId)) return { info: { ...info, consoleUrl }, created: false };
  }
  const created = await createAccount(p, { name: "Demo account", admin: { email: DEMO_EMAIL, firstName: "Demo", lastName: "Admin" } });
  if (opts.demoCrm !== false) await seedCrm(p, created.accountId);
  const info: BootstrapInfo = {
    accountId: created.accountId,
    consoleUrl,
    superAdmin: created.superAdmin,
    personalAccessKey: created.personalAccessKey,
  };
  const sealed = p.box.seal(JSON.stringify(info));
  await db
    .insertInto("bootstrap")
    .values({ id: 1, info_sealed: sealed, created_at: p.clock.now() })
    .onConflict((oc) => oc.column("id").doUpdateSet({ info_sealed: sealed, created_at: p.clock.now() }))
    .execute();
  return { info, created: true };
}
