import fs from "node:fs";
import path from "node:path";
import type { Platform } from "./platform";
import { createAccount, getAccount } from "./accounts/account-service";
import { seedCrm } from "./crm/seed";

export interface BootstrapInfo {
  accountId: number;
  consoleUrl: string;
  superAdmin: { email: string; password: string };
  personalAccessKey: string;
}

export const DEMO_EMAIL = "admin@sprocket.local";

/** First start: a demo account, its super admin and a key, kept in `<data-dir>/bootstrap.json` (0600) for later starts. */
export async function ensureBootstrap(p: Platform, consoleUrl: string): Promise<{ info: BootstrapInfo; created: boolean }> {
  const file = path.join(p.config.dataDir, "bootstrap.json");
  if (fs.existsSync(file)) {
    const info = JSON.parse(fs.readFileSync(file, "utf8")) as BootstrapInfo;
    if (await getAccount(p, info.accountId)) return { info: { ...info, consoleUrl }, created: false };
  }
  const created = await createAccount(p, { name: "Demo account", admin: { email: DEMO_EMAIL, firstName: "Demo", lastName: "Admin" } });
  await seedCrm(p, created.accountId);
  const info: BootstrapInfo = { accountId: created.accountId, consoleUrl, superAdmin: created.superAdmin, personalAccessKey: created.personalAccessKey };
  fs.mkdirSync(p.config.dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  return { info, created: true };
}
