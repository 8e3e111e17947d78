import { randomUUID } from "node:crypto";
import type { Platform } from "../platform";

/**
 * The app's client secret: the key of HubSpot's request signatures (X-HubSpot-Signature-v3) on what the platform sends
 * for the app, such as `hubspot.fetch` calls, so the app's backend can check they come from here. A UUID, as HubSpot
 * shows it on the app's Auth tab; made on first use (apps created before it existed have none) and kept sealed.
 */
export async function appClientSecret(p: Platform, appId: number): Promise<string> {
  const read = () => p.store.db.selectFrom("private_apps").select("client_secret_sealed").where("id", "=", appId).executeTakeFirstOrThrow();
  const row = await read();
  if (row.client_secret_sealed) return p.box.open(row.client_secret_sealed);
  // Two first uses at once: the first write wins and both read it back.
  await p.store.db
    .updateTable("private_apps")
    .set({ client_secret_sealed: p.box.seal(randomUUID()) })
    .where("id", "=", appId)
    .where("client_secret_sealed", "is", null)
    .execute();
  return p.box.open((await read()).client_secret_sealed!);
}
