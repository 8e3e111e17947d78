// Webhooks (issue #21): a deployed 2025.2 webhooks component gets CRM events as HubSpot sends them — batched JSON
// arrays signed with the app's client secret (v3), retried with back-off, at most maxConcurrentRequests in flight —
// and every try is in the app's Webhooks log.
import { Signature, type Client } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientSecret } from "../src/apps/client-secret";
import { crmClient, liftLimits } from "./support/crm-client";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";
import { openEventStream } from "./support/event-stream";
import { DELIVERED, WebhookReceiver, deployWebhooksApp, type ReceivedDelivery } from "./support/webhook-receiver";

let server: TestServer;
let receiver: WebhookReceiver;
let client: Client;
let appId: number;
let adminToken: string;
const TARGET_PATH = "/hubspot/events?key=abc";

beforeAll(async () => {
  // The receiver is on loopback, which the operator setting allows; retries wait 20 ms instead of minutes.
  server = await startTestServer({ env: { SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", SPROCKET_WEBHOOK_RETRY_DELAYS_MS: "20,20" } });
  receiver = new WebhookReceiver();
  await receiver.listen();
  const { accountId, personalAccessKey } = server.bootstrap.info;
  await liftLimits(server, accountId);
  const api = new ProjectApi(server.url, personalAccessKey);
  appId = await deployWebhooksApp(api, `${receiver.origin}${TARGET_PATH}`, async (uid) => {
    const row = await server.platform.store.db
      .selectFrom("private_apps")
      .select("id")
      .where("uid", "=", uid)
      .where("account_id", "=", accountId)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.id);
  });
  ({ client } = await crmClient(server, accountId));
  adminToken = await api.bearer();
}, 180_000);
afterAll(async () => {
  await receiver.close();
  await server.stop();
});

const deliveriesOf = (objectId: string) => receiver.received.filter((r) => r.events.some((e) => String(e.objectId) === objectId));
const eventsOf = (objectId: string) => receiver.events().filter((e) => String(e.objectId) === objectId);

async function expectSigned(got: ReceivedDelivery) {
  const clientSecret = await appClientSecret(server.platform, appId);
  const check = {
    signatureVersion: "v3",
    clientSecret,
    method: "POST",
    url: `${receiver.origin}${got.url}`,
    requestBody: got.body,
    timestamp: Number(got.headers["x-hubspot-request-timestamp"]),
    signature: String(got.headers["x-hubspot-signature-v3"]),
  };
  expect(Signature.isValid(check)).toBe(true);
  expect(Signature.isValid({ ...check, clientSecret: "another-secret" })).toBe(false);
}

describe("webhook deliveries", () => {
  it("delivers a contact's creation and its subscribed property, signed as HubSpot signs, in one request", async () => {
    const started = Date.now();
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: "ada@example.com", firstname: "Ada", lastname: "Lovelace" },
      associations: [],
    });
    await vi.waitFor(() => expect(eventsOf(contact.id)).toHaveLength(2), { timeout: 10_000, interval: 10 });
    console.log(`webhook delivered ${Date.now() - started} ms after the contact was created`);
    const [got] = deliveriesOf(contact.id);
    expect(got!.url).toBe(TARGET_PATH);
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["x-hubspot-signature-version"]).toBe("v3");
    await expectSigned(got!);
    const { accountId } = server.bootstrap.info;
    const common = {
      portalId: accountId,
      appId,
      attemptNumber: 0,
      objectId: Number(contact.id),
      objectTypeId: "0-1",
      changeSource: "INTEGRATION",
    };
    const [creation, change] = got!.events;
    expect(creation).toEqual({
      ...common,
      eventId: expect.any(Number),
      subscriptionId: expect.any(Number),
      occurredAt: expect.any(Number),
      subscriptionType: "object.creation",
      changeFlag: "CREATED",
      sourceId: expect.any(String),
    });
    expect(change).toEqual({
      ...common,
      eventId: expect.any(Number),
      subscriptionId: expect.any(Number),
      occurredAt: creation!.occurredAt,
      subscriptionType: "object.propertyChange",
      propertyName: "firstname",
      propertyValue: "Ada",
      sourceId: expect.any(String),
    });
    expect(change!.subscriptionId).not.toBe(creation!.subscriptionId);
    expect(Math.abs(creation!.occurredAt - Date.parse(contact.createdAt.toISOString()))).toBeLessThan(1000);
  });

  it("sends propertyChange only for the subscribed property, and a legacy deletion in HubSpot's legacy form", async () => {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "grace@example.com" }, associations: [] });
    await vi.waitFor(() => expect(eventsOf(contact.id)).toHaveLength(1), { timeout: 10_000 });
    await client.crm.contacts.basicApi.update(contact.id, { properties: { lastname: "Hopper", firstname: "Grace" } });
    await vi.waitFor(() => expect(eventsOf(contact.id)).toHaveLength(2), { timeout: 10_000 });
    expect(eventsOf(contact.id)[1]).toMatchObject({
      subscriptionType: "object.propertyChange",
      propertyName: "firstname",
      propertyValue: "Grace",
    });

    await client.crm.contacts.basicApi.archive(contact.id);
    await vi.waitFor(() => expect(eventsOf(contact.id)).toHaveLength(3), DELIVERED);
    const deletion = eventsOf(contact.id)[2]!;
    expect(deletion).toMatchObject({ subscriptionType: "contact.deletion", changeFlag: "DELETED", objectId: Number(contact.id) });
    // Legacy subscriptions carry the object type in their name, not in objectTypeId.
    expect(deletion.objectTypeId).toBeUndefined();
    expect(eventsOf(contact.id).some((e) => e.propertyName === "lastname")).toBe(false);
  });

  it("tells merges, and deletions by batch archive", async () => {
    const [a, b] = await Promise.all(
      ["merge-a", "merge-b"].map((x) =>
        client.crm.contacts.basicApi.create({ properties: { email: `${x}@example.com` }, associations: [] }),
      ),
    );
    await client.crm.contacts.basicApi.merge({ primaryObjectId: a!.id, objectIdToMerge: b!.id });
    await vi.waitFor(() => expect(eventsOf(a!.id).map((e) => e.subscriptionType)).toContain("object.merge"), DELIVERED);
    expect(eventsOf(a!.id).find((e) => e.subscriptionType === "object.merge")).toMatchObject({
      changeFlag: "MERGED",
      objectTypeId: "0-1",
      primaryObjectId: Number(a!.id),
      mergedObjectIds: [Number(b!.id)],
      newObjectId: Number(a!.id),
    });
    await client.crm.contacts.batchApi.archive({ inputs: [{ id: a!.id }] });
    await vi.waitFor(() => expect(eventsOf(a!.id).map((e) => e.subscriptionType)).toContain("contact.deletion"), DELIVERED);
  });

  it("tells association changes from the subscribed side, made and removed", async () => {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "assoc@example.com" }, associations: [] });
    const company = await client.crm.companies.basicApi.create({ properties: { name: "Analytical Engines" }, associations: [] });
    const changes = () =>
      receiver.events().filter((e) => e.subscriptionType === "contact.associationChange" && String(e.fromObjectId) === contact.id);
    await client.crm.associations.v4.basicApi.createDefault("contacts", contact.id, "companies", company.id);
    await vi.waitFor(() => expect(changes()).toHaveLength(1), DELIVERED);
    await client.crm.associations.v4.basicApi.archive("contacts", contact.id, "companies", company.id);
    await vi.waitFor(() => expect(changes()).toHaveLength(2), DELIVERED);
    const common = {
      associationType: "CONTACT_TO_COMPANY",
      fromObjectId: Number(contact.id),
      toObjectId: Number(company.id),
      isPrimaryAssociation: false,
    };
    expect(changes()).toEqual([
      expect.objectContaining({ ...common, associationRemoved: false }),
      expect.objectContaining({ ...common, associationRemoved: true }),
    ]);
    expect(changes()[0]!.objectId).toBeUndefined();
  });

  it("batches what happens together: a batch create of three contacts is one request", async () => {
    const res = await client.crm.contacts.batchApi.create({
      inputs: ["a", "b", "c"].map((x) => ({ properties: { email: `${x}@batch.example`, firstname: x.toUpperCase() }, associations: [] })),
    });
    const ids = res.results.map((r) => r.id);
    await vi.waitFor(() => expect(ids.flatMap(eventsOf)).toHaveLength(6), DELIVERED);
    const requests = new Set(ids.flatMap((id) => deliveriesOf(id)));
    expect(requests.size).toBe(1);
    const [request] = [...requests];
    expect(
      request!.events
        .filter((e) => e.subscriptionType === "object.creation")
        .map((e) => String(e.objectId))
        .sort(),
    ).toEqual([...ids].sort());
    expect(new Set(request!.events.map((e) => e.eventId)).size).toBe(6);
  });

  it("retries a failed delivery with back-off and delivers it once", async () => {
    receiver.answers.push(500);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "retry@example.com" }, associations: [] });
    await vi.waitFor(() => expect(deliveriesOf(contact.id).map((d) => d.status)).toEqual([500, 200]), DELIVERED);
    const [failed, delivered] = deliveriesOf(contact.id);
    expect(failed!.events[0]!.attemptNumber).toBe(0);
    expect(delivered!.events[0]!.attemptNumber).toBe(1);
    expect(delivered!.events[0]!.eventId).toBe(failed!.events[0]!.eventId);
    await expectSigned(delivered!);
    const logged = () =>
      server.platform.store.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("events", "like", `%"objectId":${contact.id},%`)
        .orderBy("id")
        .execute();
    // Each try is logged once its answer is in.
    await vi.waitFor(async () => expect(await logged()).toHaveLength(2), DELIVERED);
    const rows = await logged();
    expect(rows.map((r) => [r.attempt, r.outcome, r.status])).toEqual([
      [1, "retrying", 500],
      [2, "delivered", 200],
    ]);
    expect(rows[0]!.trace_id).toBe(rows[1]!.trace_id);
  });

  it("keeps at most maxConcurrentRequests of the app's requests in flight", async () => {
    receiver.hold = true;
    receiver.maxInFlight = receiver.inFlight;
    const created: string[] = [];
    // Each batch create makes 200 events, two requests' worth: six requests queued, two (the app's cap) sent at once.
    for (const round of [1, 2, 3]) {
      const res = await client.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 100 }, (_, i) => ({
          properties: { email: `c${round}-${i}@cap.example`, firstname: `C${i}` },
          associations: [],
        })),
      });
      created.push(...res.results.map((r) => r.id));
    }
    await vi.waitFor(() => expect(receiver.heldCount()).toBe(2), DELIVERED);
    receiver.release();
    await vi.waitFor(() => expect(created.flatMap(eventsOf)).toHaveLength(600), { timeout: 20_000 });
    expect(receiver.maxInFlight).toBe(2);
    expect(Math.max(...receiver.received.map((r) => r.events.length))).toBe(100);
  });

  it("lists every try in the app's Webhooks log with its status, latency and trace", async () => {
    const list = () =>
      server.app.inject({
        method: "GET",
        url: `/api/v1/private-apps/${appId}/logs/webhooks?limit=200`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
    // A try is logged once its answer is in: the last may still be on its way to the store.
    await vi.waitFor(async () => expect((await list()).json().results).toHaveLength(receiver.received.length), DELIVERED);
    const res = await list();
    expect(res.statusCode).toBe(200);
    const results = res.json().results as Array<Record<string, any>>;
    expect(results.find((r) => r.status === 500)).toMatchObject({
      outcome: "retrying",
      attempt: 1,
      targetUrl: `${receiver.origin}/hubspot/events`,
      error: expect.stringContaining("answered 500"),
    });
    for (const r of results) {
      expect(r.latencyMs).toEqual(expect.any(Number));
      expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.eventCount).toBe(r.events.length);
    }
    // A retried delivery's tries share a trace: the Log Traces tab shows both.
    const retried = results.find((r) => r.status === 500)!;
    const trace = await server.app.inject({
      method: "GET",
      url: `/api/v1/private-apps/${appId}/traces/${retried.traceId}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(trace.statusCode).toBe(200);
    expect(
      trace.json().spans.map((s: { name: string; status: string }) => [s.name.replace(receiver.origin, "<receiver>"), s.status]),
    ).toEqual([
      ["webhook to <receiver>/hubspot/events, try 1: 500", "ERROR"],
      ["webhook to <receiver>/hubspot/events, try 2: 200", "OK"],
    ]);
    const badFilter = await server.app.inject({
      method: "GET",
      url: `/api/v1/private-apps/${appId}/logs/webhooks?outcome=nope`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(badFilter.statusCode).toBe(400);
  });

  it("follows new tries live on the Webhooks log's event stream", async () => {
    const stream = await openEventStream(`${server.url}/api/v1/private-apps/${appId}/logs/webhooks/stream`, {
      authorization: `Bearer ${adminToken}`,
    });
    try {
      await stream.until(": following");
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: "live@example.com" }, associations: [] });
      const text = await stream.until(`"objectId":${contact.id}`);
      const data = text.split("\n").find((line) => line.startsWith("data: ") && line.includes(`"objectId":${contact.id}`))!;
      expect(text).toContain("event: webhook\n");
      expect(JSON.parse(data.slice("data: ".length))).toMatchObject({ outcome: "delivered", status: 200, attempt: 1, eventCount: 1 });
    } finally {
      stream.close();
    }
  });
});
