// A webhooks targetUrl on a loopback, private, link-local or metadata address is refused unless the operator allows
// private networks (SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK, off by default): the try is logged as failed, nothing is sent.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { crmClient } from "./support/crm-client";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";
import { DELIVERED, WebhookReceiver, deployWebhooksApp } from "./support/webhook-receiver";

let server: TestServer;
let receiver: WebhookReceiver;
let appId: number;

beforeAll(async () => {
  server = await startTestServer();
  receiver = new WebhookReceiver();
  await receiver.listen();
  const { accountId, personalAccessKey } = server.bootstrap.info;
  // https, so what is refused is the address, not the scheme.
  const target = receiver.origin.replace("http:", "https:");
  appId = await deployWebhooksApp(new ProjectApi(server.url, personalAccessKey), `${target}/hooks`, async (uid) => {
    const row = await server.platform.store.db
      .selectFrom("private_apps")
      .select("id")
      .where("uid", "=", uid)
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    return Number(row.id);
  });
}, 180_000);
afterAll(async () => {
  await receiver.close();
  await server.stop();
});

describe("a webhooks targetUrl on a private address", () => {
  it("is refused without the operator's setting, logged as a failed delivery naming the setting, and not retried", async () => {
    const { client } = await crmClient(server, server.bootstrap.info.accountId);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "private@example.com" }, associations: [] });
    const rows = () =>
      server.platform.store.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("app_id", "=", appId)
        .where("events", "like", `%"objectId":${contact.id},%`)
        .execute();
    await vi.waitFor(async () => expect(await rows()).toHaveLength(1), DELIVERED);
    const [row] = await rows();
    expect(row).toMatchObject({ attempt: 1, outcome: "failed", status: null });
    expect(row!.error).toMatch(
      /127\.0\.0\.1 is a loopback address: Webhook delivery calls public addresses only\. .*SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK/,
    );
    expect(receiver.received).toEqual([]);
  });
});
