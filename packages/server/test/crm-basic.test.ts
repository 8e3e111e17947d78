import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";

let server: TestServer;
let client: Client;
let token: string;
let accountId: number;

beforeAll(async () => {
  server = await startTestServer();
  accountId = (await createAccount(server.platform, { name: "CRM basic", admin: { email: `crm-basic-${Date.now()}@example.com` } }))
    .accountId;
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId));
});
afterAll(async () => {
  await server.stop();
});

describe("basic API through the official SDK", () => {
  it("creates (201), reads, updates and archives (204) a contact", async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: "Ada@Example.com", firstname: "Ada", lastname: "Lovelace" },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties).toMatchObject({ email: "Ada@Example.com", firstname: "Ada", hs_object_id: created.id });
    expect(created.createdAt).toBeInstanceOf(Date);

    const read = await client.crm.contacts.basicApi.getById(created.id, ["email", "phone"]);
    expect(read.properties).toMatchObject({ email: "Ada@Example.com", phone: null, hs_object_id: created.id });
    expect(read.properties.createdate).toBe(created.createdAt.toISOString());

    const byEmail = await client.crm.contacts.basicApi.getById("ada@example.com", ["firstname"], undefined, undefined, false, "email");
    expect(byEmail.id).toBe(created.id);

    const updated = await client.crm.contacts.basicApi.update(created.id, { properties: { firstname: "Augusta", hubspotscore: "42" } });
    expect(updated.properties).toMatchObject({ firstname: "Augusta", hubspotscore: "42" });

    const history = await client.crm.contacts.basicApi.getById(created.id, undefined, ["firstname"]);
    expect(history.propertiesWithHistory?.firstname?.map((h) => h.value)).toEqual(["Augusta", "Ada"]);
    expect(history.propertiesWithHistory?.firstname?.[0]?.timestamp).toBeInstanceOf(Date);

    await client.crm.contacts.basicApi.archive(created.id);
    const gone = await apiError(client.crm.contacts.basicApi.getById(created.id));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" });
    const archived = await client.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
    expect(archived.archivedAt).toBeInstanceOf(Date);
  });

  it("writes a get's body as JSON.stringify would, whatever the values hold", async () => {
    // Quotes, backslashes, control characters, non-ASCII, U+2028 and a lone surrogate: each has its own escape rule.
    const tricky = 'say "hi" \\ back\n\ttab \u0001 é 😀 \u2028 \ud800 end';
    const created = await rawCall(server, token, "POST", "/crm/v3/objects/contacts", {
      properties: { email: "tricky@example.com", firstname: tricky, lastname: "" },
    });
    const res = await fetch(`${server.url}/crm/v3/objects/contacts/${created.body!.id}?properties=firstname,lastname,email,unknown`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.parse(text).properties).toMatchObject({ firstname: tricky, lastname: null, email: "tricky@example.com" });
  });

  it("answers a get by id with the same bytes as the general read path", async () => {
    // A get by id for properties alone has a path of its own; `associations=` with a type name HubSpot ignores takes the
    // general one (history, associations, idProperty) without changing the answer.
    const raw = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      // An error's correlation id is the one part that differs between two calls.
      return { status: res.status, text: (await res.text()).replace(/"correlationId":"[^"]+"/, "") };
    };
    const same = async (path: string) => {
      const sep = path.includes("?") ? "&" : "?";
      const fast = await raw(path);
      expect(fast).toEqual(await raw(`${path}${sep}associations=nosuchtype`));
      return fast;
    };
    const created = await rawCall(server, token, "POST", "/crm/v3/objects/contacts", {
      properties: { email: "same-bytes@example.com", firstname: "Same", lastname: "Bytes" },
    });
    const id = created.body!.id as string;
    const base = `/crm/v3/objects/contacts/${id}`;
    expect((await same(base)).status).toBe(200);
    await same(`${base}?properties=email,phone,nosuch`);
    await same(`${base}?idProperty=hs_object_id&properties=firstname`);
    await rawCall(server, token, "PATCH", base, { properties: { firstname: "Changed" } });
    const updated = JSON.parse((await same(base)).text);
    expect(updated.updatedAt).not.toBe(updated.createdAt);
    expect(updated.properties.lastmodifieddate).toBe(updated.updatedAt);
    expect((await same("/crm/v3/objects/contacts/99999999999")).status).toBe(404);
    expect((await same("/crm/v3/objects/contacts/not-a-number")).status).toBe(404);
    await rawCall(server, token, "DELETE", base);
    expect((await same(base)).status).toBe(404);
    const archived = JSON.parse((await same(`${base}?archived=true&properties=email`)).text);
    expect(archived).toMatchObject({ archived: true, properties: { email: "same-bytes@example.com" } });
    expect(archived.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("refuses a duplicate email with 409 CONFLICT naming the existing id", async () => {
    const first = await client.crm.contacts.basicApi.create({ properties: { email: "dup@example.com" }, associations: [] });
    const err = await apiError(client.crm.contacts.basicApi.create({ properties: { email: "DUP@example.com" }, associations: [] }));
    expect(err.code).toBe(409);
    expect(err.body).toMatchObject({ category: "CONFLICT", message: `Contact already exists. Existing ID: ${first.id}` });
  });

  it("validates typed properties with HubSpot's error body", async () => {
    const err = await apiError(
      client.crm.contacts.basicApi.create({
        properties: { email: "not-an-email", lifecyclestage: "wizard", hubspotscore: "many", nosuch: "x", hs_email_optout: "maybe" },
        associations: [],
      }),
    );
    expect(err.code).toBe(400);
    expect(err.body.category).toBe("VALIDATION_ERROR");
    expect(err.body.message).toMatch(/^Property values were not valid: \[/);
    const codes = Object.fromEntries(err.body.errors.map((e: { in: string; code: string }) => [e.in, e.code]));
    expect(codes).toEqual({
      email: "INVALID_EMAIL",
      lifecyclestage: "INVALID_OPTION",
      hubspotscore: "INVALID_DECIMAL",
      nosuch: "PROPERTY_DOESNT_EXIST",
      hs_email_optout: "INVALID_BOOLEAN",
    });
    const readOnly = await apiError(client.crm.contacts.basicApi.create({ properties: { hs_object_id: "5" }, associations: [] }));
    expect(readOnly.body.errors[0].code).toBe("READ_ONLY_VALUE");
  });

  it("returns every value as a string, canonicalised by type", async () => {
    await client.crm.properties.coreApi.create("deals", {
      name: "renewal_day",
      label: "Renewal day",
      type: "date" as never,
      fieldType: "date" as never,
      groupName: "dealinformation",
    });
    const deal = await client.crm.deals.basicApi.create({
      properties: {
        dealname: "Big",
        amount: "1500.50",
        closedate: "2025-03-01T10:00:00Z",
        renewal_day: "2025-06-01",
        dealstage: "qualifiedtobuy",
      },
      associations: [],
    });
    expect(deal.properties).toMatchObject({
      amount: "1500.5",
      closedate: "2025-03-01T10:00:00.000Z",
      renewal_day: "2025-06-01",
      dealstage: "qualifiedtobuy",
    });
    const bad = await apiError(
      client.crm.deals.basicApi.update(deal.id, { properties: { renewal_day: String(Date.UTC(2025, 5, 1, 12)) } }),
    );
    expect(bad.body.errors[0].code).toBe("INVALID_DATE");
  });

  it("pages with opaque cursors through getAll", async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => ({ properties: { name: `Product ${i}`, price: String(i) }, associations: [] }));
    for (let i = 0; i < 1000; i += 100) await client.crm.products.batchApi.create({ inputs });
    const all = await client.crm.products.getAll(100);
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((p) => p.id)).size).toBe(1000);
    const page = await client.crm.products.basicApi.getPage(10);
    expect(page.paging?.next?.after).toMatch(/^[A-Za-z0-9_-]+$/);
    const bad = await rawCall(server, token, "GET", "/crm/v3/objects/products?after=garbage");
    expect(bad.status).toBe(400);
  });

  it("works through the generic objects API with type ids and names", async () => {
    const t = await client.crm.objects.basicApi.create("0-5", {
      properties: { subject: "Broken", hs_pipeline: "0", hs_pipeline_stage: "1" },
      associations: [],
    });
    const again = await client.crm.objects.basicApi.getById("tickets", t.id, ["subject"]);
    expect(again.properties.subject).toBe("Broken");
    const unknown = await apiError(client.crm.objects.basicApi.getPage("widgets"));
    expect(unknown.code).toBe(400);
    expect(unknown.body.message).toBe("Unable to infer object type from: widgets");
  });

  // Issue #24: a logger given to Fastify, or any onResponse hook, makes it add `finish` and `error` listeners to every
  // response (and build a child logger per request), work on every CRM call's budget; the API-call log still records.
  it("answers a get without adding listeners to the response, and still logs the call", async () => {
    const { id } = await client.crm.contacts.basicApi.create({ properties: { email: "quiet@example.com" }, associations: [] });
    const added: string[] = [];
    const spy = (_req: unknown, res: { on: (event: string, fn: () => void) => unknown }) => {
      const on = res.on.bind(res);
      res.on = (event, fn) => (added.push(event), on(event, fn));
    };
    server.app.server.prependListener("request", spy);
    try {
      expect((await rawCall(server, token, "GET", `/crm/v3/objects/contacts/${id}`)).status).toBe(200);
    } finally {
      server.app.server.removeListener("request", spy);
    }
    expect(added).toEqual([]);
    await server.platform.logs.sink.flush();
    const logged = await server.platform.store.db
      .selectFrom("api_calls")
      .select(["status", "duration_ms"])
      .where("path", "=", `/crm/v3/objects/contacts/${id}`)
      .execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.status).toBe(200);
    expect(logged[0]!.duration_ms).toBeGreaterThan(0);
  });
});
