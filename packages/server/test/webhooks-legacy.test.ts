// webhooks.json of a 2023.x–2025.1 project (named by app.json's "webhooks") is delivered as a 2025.2 component is.
import { Signature } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientSecret } from "../src/apps/client-secret";
import { crmClient } from "./support/crm-client";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";
import { DELIVERED, WebhookReceiver, deployWebhooksApp } from "./support/webhook-receiver";

let server: TestServer;
let receiver: WebhookReceiver;
let appId: number;
let api: ProjectApi;
let findAppId: (uid: string) => Promise<number>;

beforeAll(async () => {
  server = await startTestServer({ env: { SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = new WebhookReceiver();
  await receiver.listen();
  const { accountId, personalAccessKey } = server.bootstrap.info;
  findAppId = async (uid: string) => {
    const row = await server.platform.store.db
      .selectFrom("private_apps")
      .select("id")
      .where("uid", "=", uid)
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    return Number(row.id);
  };
  api = new ProjectApi(server.url, personalAccessKey);
  appId = await deployWebhooksApp(api, `${receiver.origin}/legacy`, findAppId, "webhooks-legacy");
}, 180_000);
afterAll(async () => {
  await receiver.close();
  await server.stop();
});

describe("legacy webhooks.json", () => {
  it("delivers a contact's creation (generic form) and its lastname change (legacy form), signed", async () => {
    const { client } = await crmClient(server, server.bootstrap.info.accountId);
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: "legacy@example.com", lastname: "Babbage", firstname: "Charles" },
      associations: [],
    });
    await vi.waitFor(() => expect(receiver.events()).toHaveLength(2), DELIVERED);
    const [got] = receiver.received;
    expect(got!.url).toBe("/legacy");
    expect(got!.events).toEqual([
      expect.objectContaining({
        subscriptionType: "object.creation",
        objectTypeId: "0-1",
        objectId: Number(contact.id),
        appId,
        portalId: server.bootstrap.info.accountId,
      }),
      expect.objectContaining({
        subscriptionType: "contact.propertyChange",
        propertyName: "lastname",
        propertyValue: "Babbage",
        objectId: Number(contact.id),
      }),
    ]);
    expect(got!.events[1]!.objectTypeId).toBeUndefined();
    const check = {
      signatureVersion: "v3",
      clientSecret: await appClientSecret(server.platform, appId),
      method: "POST",
      url: `${receiver.origin}${got!.url}`,
      requestBody: got!.body,
      timestamp: Number(got!.headers["x-hubspot-request-timestamp"]),
      signature: String(got!.headers["x-hubspot-signature-v3"]),
    };
    expect(Signature.isValid(check)).toBe(true);
  });

  it("follows a deploy that moves the targetUrl: the account's subscriptions are read again", async () => {
    await deployWebhooksApp(api, `${receiver.origin}/moved`, findAppId, "webhooks-legacy");
    const { client } = await crmClient(server, server.bootstrap.info.accountId);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "moved@example.com" }, associations: [] });
    await vi.waitFor(
      () =>
        expect(receiver.received.filter((r) => r.events.some((e) => String(e.objectId) === contact.id)).map((r) => r.url)).toEqual([
          "/moved",
        ]),
      DELIVERED,
    );
  });
});
