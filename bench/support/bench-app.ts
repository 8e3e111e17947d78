// One private app with contacts scopes in a fresh account of a bench server, its token, and one contact to read: the
// set-up of the gate's bench and of the CRM get's profiler. Limits are high enough that they measure the limits'
// bookkeeping, not 429s.
import { randomBytes } from "node:crypto";
import { createAccount, type Platform } from "@sprocket/server";
import { provisionApps } from "../../packages/server/src/apps/provision";
import { revealAppToken } from "../../packages/server/src/apps/app-tokens";

export const BENCH_APP_SCOPES = ["crm.objects.contacts.read", "crm.objects.contacts.write"];

export async function benchApp(
  p: Platform,
  url: string,
  tenSecondly: number,
): Promise<{ accountId: number; appId: number; token: string; contactId: string }> {
  const { accountId } = await createAccount(p, { name: "bench", admin: { email: `bench-${randomBytes(4).toString("hex")}@example.com` } });
  await p.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: tenSecondly, api_limit_daily: 1_000_000_000 })
    .where("id", "=", accountId)
    .execute();
  const app = { uid: "bench", name: "bench", description: "", scopes: BENCH_APP_SCOPES, cards: [], functions: [] };
  const { appIds } = await p.store.db
    .transaction()
    .execute((trx) => provisionApps(trx, p, { accountId, projectId: 1, buildId: 1, apps: [app] }));
  const appId = appIds.bench!;
  const token = (await revealAppToken(p, appId))!;
  const created = await fetch(`${url}/crm/v3/objects/contacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ properties: { email: "bench@example.com", firstname: "Bench", lastname: "Mark" } }),
  });
  return { accountId, appId, token, contactId: ((await created.json()) as { id: string }).id };
}
