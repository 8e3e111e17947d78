import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createTestApp } from "./support/test-apps";
import { createAccount } from "../src/accounts/account-service";

let server: TestServer;
let accountA: number;
let accountB: number;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  server = await startTestServer();
  accountA = (await createAccount(server.platform, { name: "A", admin: { email: `crm-a-${Date.now()}@example.com` } })).accountId;
  accountB = (await createAccount(server.platform, { name: "B", admin: { email: `crm-b-${Date.now()}@example.com` } })).accountId;
  await liftLimits(server, accountA);
  await liftLimits(server, accountB);
  tokenA = (await crmClient(server, accountA)).token;
  tokenB = (await crmClient(server, accountB)).token;
});
afterAll(async () => {
  await server.stop();
});

const TYPES: Array<[string, string[], string[], string[]]> = [
  ["contacts", ["crm.objects.contacts.read"], ["crm.objects.contacts.write"], ["crm.schemas.contacts.write"]],
  ["companies", ["crm.objects.companies.read"], ["crm.objects.companies.write"], ["crm.schemas.companies.write"]],
  ["deals", ["crm.objects.deals.read"], ["crm.objects.deals.write"], ["crm.schemas.deals.write"]],
  ["tickets", ["tickets"], ["tickets"], ["crm.schemas.tickets.write"]],
  [
    "products",
    ["crm.objects.products.read", "e-commerce"],
    ["crm.objects.products.write", "e-commerce"],
    ["crm.objects.products.write", "e-commerce"],
  ],
  [
    "line_items",
    ["crm.objects.line_items.read", "e-commerce"],
    ["crm.objects.line_items.write", "e-commerce"],
    ["crm.objects.line_items.write", "e-commerce"],
  ],
  ["quotes", ["crm.objects.quotes.read"], ["crm.objects.quotes.write"], ["crm.schemas.quotes.write"]],
];
const SCHEMA_READ: Record<string, string[]> = {
  contacts: ["crm.objects.contacts.read", "crm.schemas.contacts.read", "crm.schemas.contacts.write"],
  companies: ["crm.objects.companies.read", "crm.schemas.companies.read", "crm.schemas.companies.write"],
  deals: ["crm.objects.deals.read", "crm.schemas.deals.read", "crm.schemas.deals.write"],
  tickets: ["tickets", "crm.schemas.tickets.read", "crm.schemas.tickets.write"],
  products: ["crm.objects.products.read", "e-commerce", "crm.objects.products.write"],
  line_items: ["crm.objects.line_items.read", "e-commerce", "crm.objects.line_items.write"],
  quotes: ["crm.objects.quotes.read", "crm.schemas.quotes.read", "crm.schemas.quotes.write"],
};

type Route = [method: string, path: string, scopes: string[], body?: unknown];
const routes: Route[] = [
  ["GET", "/crm/v3/owners/", ["crm.objects.owners.read"]],
  ["GET", "/crm/v3/owners", ["crm.objects.owners.read"]],
  ["GET", "/crm/v3/owners/1", ["crm.objects.owners.read"]],
];
for (const [t, read, write, schemaWrite] of TYPES) {
  const o = `/crm/v3/objects/${t}`;
  routes.push(
    ["GET", o, read],
    ["GET", `${o}/1`, read],
    ["POST", o, write, { properties: {} }],
    ["PATCH", `${o}/1`, write, { properties: {} }],
    ["DELETE", `${o}/1`, write],
    ["POST", `${o}/batch/read`, read, { inputs: [] }],
    ["POST", `${o}/batch/create`, write, { inputs: [] }],
    ["POST", `${o}/batch/update`, write, { inputs: [] }],
    ["POST", `${o}/batch/upsert`, write, { inputs: [] }],
    ["POST", `${o}/batch/archive`, write, { inputs: [] }],
    ["POST", `${o}/search`, read, {}],
    ["GET", `/crm/v3/properties/${t}`, SCHEMA_READ[t]!],
    ["GET", `/crm/v3/properties/${t}/groups`, SCHEMA_READ[t]!],
    ["POST", `/crm/v3/properties/${t}`, schemaWrite, {}],
    ["POST", `/crm/v3/properties/${t}/batch/read`, SCHEMA_READ[t]!, { inputs: [] }],
    ["GET", `/crm/v4/objects/${t}/1/associations/companies`, read],
    ["PUT", `/crm/v4/objects/${t}/1/associations/companies/2`, write, []],
    ["PUT", `/crm/v4/objects/${t}/1/associations/default/companies/2`, write],
    ["POST", `/crm/v4/associations/${t}/companies/batch/read`, read, { inputs: [] }],
    ["POST", `/crm/v4/associations/${t}/companies/batch/create`, write, { inputs: [] }],
    ["GET", `/crm/v4/associations/${t}/companies/labels`, read],
  );
  if (["contacts", "companies", "deals", "tickets"].includes(t)) routes.push(["POST", `${o}/merge`, write, {}]);
}
routes.push(["POST", "/crm/v3/objects/contacts/gdpr-delete", ["crm.objects.contacts.write"], {}]);

describe("scopes", () => {
  it(`refuses each of ${routes.length} CRM routes without its scope (403 MISSING_SCOPES naming them) and admits it with any one`, async () => {
    const { token: none } = await createTestApp(server.platform, accountA, { scopes: ["crm.lists.read"] });
    const granted = new Map<string, string>();
    for (const [method, path, scopes, body] of routes) {
      const res = await rawCall(server, none, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.body).toMatchObject({
        status: "error",
        category: "MISSING_SCOPES",
        errors: [{ context: { requiredGranularScopes: scopes } }],
      });
      const scope = scopes[scopes.length - 1]!;
      if (!granted.has(scope)) granted.set(scope, (await createTestApp(server.platform, accountA, { scopes: [scope] })).token);
      const ok = await rawCall(server, granted.get(scope)!, method, path, body);
      expect(ok.status, `${method} ${path} with ${scope}`).not.toBe(403);
      expect(ok.status, `${method} ${path} with ${scope}`).toBeLessThan(500);
    }
  });

  it("refuses a missing or unknown token with 401", async () => {
    const res = await rawCall(server, "pat-na1-00000000-0000-0000-0000-000000000000", "GET", "/crm/v3/objects/contacts");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ category: "INVALID_AUTHENTICATION" });
  });
});

describe("isolation and wire details", () => {
  it("hides account A's records from account B's token (404 everywhere)", async () => {
    const created = await rawCall(server, tokenA, "POST", "/crm/v3/objects/contacts", { properties: { email: "only-a@x.io" } });
    expect(created.status).toBe(201);
    const id = created.body!.id as string;
    expect((await rawCall(server, tokenB, "GET", `/crm/v3/objects/contacts/${id}`)).status).toBe(404);
    expect((await rawCall(server, tokenB, "PATCH", `/crm/v3/objects/contacts/${id}`, { properties: { firstname: "x" } })).status).toBe(404);
    expect((await rawCall(server, tokenB, "GET", `/crm/v3/objects/contacts/only-a%40x.io?idProperty=email`)).status).toBe(404);
    expect((await rawCall(server, tokenB, "POST", "/crm/v3/objects/contacts/batch/read", { inputs: [{ id }] })).status).toBe(207);
    const search = await rawCall(server, tokenB, "POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator: "EQ", value: id }] }],
    });
    expect(search.body!.total).toBe(0);
    expect((await rawCall(server, tokenB, "GET", `/crm/v4/objects/contacts/${id}/associations/companies`)).status).toBe(404);
    // The same email is free in another account.
    expect((await rawCall(server, tokenB, "POST", "/crm/v3/objects/contacts", { properties: { email: "only-a@x.io" } })).status).toBe(201);
    await rawCall(server, tokenB, "DELETE", `/crm/v3/objects/contacts/${id}`);
    expect((await rawCall(server, tokenA, "GET", `/crm/v3/objects/contacts/${id}`)).status).toBe(200);
  });

  it("takes repeated and comma-separated list parameters and URL-encoded ids, and answers JSON with exact codes", async () => {
    const created = await rawCall(server, tokenA, "POST", "/crm/v3/objects/contacts", {
      properties: { email: "wire+1@x.io", firstname: "W", lastname: "R", city: "Rome" },
    });
    expect(created.status).toBe(201);
    const repeated = await rawCall(
      server,
      tokenA,
      "GET",
      `/crm/v3/objects/contacts/${created.body!.id}?properties=firstname&properties=lastname`,
    );
    const comma = await rawCall(
      server,
      tokenA,
      "GET",
      `/crm/v3/objects/contacts/wire%2B1%40x.io?idProperty=email&properties=firstname,lastname,city`,
    );
    expect(Object.keys(repeated.body!.properties).sort()).toEqual([
      "createdate",
      "firstname",
      "hs_object_id",
      "lastmodifieddate",
      "lastname",
    ]);
    expect(comma.body!.properties).toMatchObject({ firstname: "W", lastname: "R", city: "Rome" });
    const del = await rawCall(server, tokenA, "DELETE", `/crm/v3/objects/contacts/${created.body!.id}`);
    expect(del.status).toBe(204);
    expect(del.headers.get("content-type")).toContain("application/json");
    const bad = await rawCall(server, tokenA, "POST", "/crm/v3/objects/contacts", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/json");
    expect((await rawCall(server, tokenA, "GET", "/crm/v3/objects/contacts/abc")).status).toBe(404);
    expect((await rawCall(server, tokenA, "GET", "/crm/v3/objects/contacts?limit=0")).status).toBe(400);
  });
});
