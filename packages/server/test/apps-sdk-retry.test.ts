import { randomBytes } from "node:crypto";
import { Client } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { startTestServer, type TestServer } from "./support/test-server";
import { createTestApp } from "./support/test-apps";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
});
afterAll(async () => {
  await server.stop();
});

/** An app in an account of its own with the given limits, and the official SDK pointed at Sprocket. */
async function limitedClient(limits: { api_limit_ten_secondly?: number; api_limit_daily?: number }) {
  const { accountId } = await createAccount(server.platform, {
    name: "Limited",
    admin: { email: `limited-${randomBytes(4).toString("hex")}@x.test` },
  });
  await server.platform.store.db.updateTable("accounts").set(limits).where("id", "=", accountId).execute();
  server.platform.apps.limitPlans.forget(accountId);
  const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["crm.objects.contacts.read"] });
  return { appId, client: new Client({ accessToken: token, basePath: server.url, numberOfApiCallRetries: 3 }) };
}

/** The calls the server answered for an app, by status, from its API-call log. */
async function answered(appId: number): Promise<number[]> {
  await server.platform.logs.sink.flush();
  const rows = await server.platform.store.db.selectFrom("api_calls").select("status").where("app_id", "=", appId).orderBy("id").execute();
  return rows.map((r) => r.status);
}

describe("@hubspot/api-client against Sprocket's 429s", () => {
  it("waits and retries the TEN_SECONDLY_ROLLING 429, and succeeds in the next window", async () => {
    const { appId, client } = await limitedClient({ api_limit_ten_secondly: 2 });
    await client.crm.contacts.basicApi.getPage(1);
    await client.crm.contacts.basicApi.getPage(1);
    const page = await client.crm.contacts.basicApi.getPage(1);
    expect(page.results).toEqual([]);
    expect(await answered(appId)).toEqual([200, 200, 429, 200]);
  }, 60_000);

  it("does not retry the DAILY 429: the call fails at once with the SDK's ApiException", async () => {
    const { appId, client } = await limitedClient({ api_limit_daily: 1 });
    await client.crm.contacts.basicApi.getPage(1);
    const error = await client.crm.contacts.basicApi.getPage(1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 429, body: { policyName: "DAILY", message: "You have reached your daily limit." } });
    expect(await answered(appId)).toEqual([200, 429]);
  });
});
