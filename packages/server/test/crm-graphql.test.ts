import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIntrospectionQuery } from "graphql";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { ALL_CRM_SCOPES, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createTestApp } from "./support/test-apps";
import { deployProjectDir, FIXTURES, ProjectApi } from "./support/project-api";
import { createAccount } from "../src/accounts/account-service";

const GRAPHQL = ["collector.graphql_query.execute", "collector.graphql_schema.read"];

let server: TestServer;
let accountId: number;
let personalAccessKey: string;
let client: Client;
let token: string;
let appId: number;
const ids: Record<string, string> = {};

/** What HubSpot's contact-duplicate example posts: contacts with the same name and another email. */
const DUPLICATES = `query data($firstname: String!, $lastname: String!, $email: String!) {
  CRM { contact_collection(filter: { firstname__eq: $firstname, lastname__eq: $lastname, email__neq: $email }) { items { hs_object_id firstname lastname email } } }
}`;

const gql = (query: string, variables?: Record<string, unknown>, as = token) =>
  rawCall(server, as, "POST", "/collector/graphql", { query, ...(variables ? { variables } : {}) });

/** First names of the contacts a collection filter finds, in id order. */
async function names(filter: string): Promise<string[]> {
  const res = await gql(`{ CRM { contact_collection(filter: { ${filter} }, limit: 50) { items { firstname } } } }`);
  expect(res.body?.errors).toBeUndefined();
  return res.body!.data.CRM.contact_collection.items.map((c: { firstname: string }) => c.firstname);
}

beforeAll(async () => {
  server = await startTestServer();
  // An account of its own: the bootstrap account holds the seed's sample records.
  ({ accountId, personalAccessKey } = await createAccount(server.platform, {
    name: "CRM GraphQL",
    admin: { email: `crm-graphql-${Date.now()}@example.com` },
  }));
  await liftLimits(server, accountId);
  const { appId: id, token: t } = await createTestApp(server.platform, accountId, { scopes: [...ALL_CRM_SCOPES, ...GRAPHQL] });
  appId = id;
  token = t;
  ({ client } = await crmClient(server, accountId));
  const acme = await client.crm.companies.basicApi.create({ properties: { name: "Acme", domain: "acme.com" }, associations: [] });
  const globex = await client.crm.companies.basicApi.create({ properties: { name: "Globex", domain: "globex.io" }, associations: [] });
  ids.Acme = acme.id;
  const people: Array<Record<string, string>> = [
    { email: "ann@acme.com", firstname: "Ann", lastname: "Smith", hubspotscore: "10", city: "Boston" },
    { email: "ann.smith@globex.io", firstname: "Ann", lastname: "Smith", hubspotscore: "20" },
    { email: "bob@acme.com", firstname: "Bob", lastname: "Jones", hubspotscore: "30", city: "Austin" },
    { email: "cy@globex.io", firstname: "Cy", lastname: "Ng" },
  ];
  for (const properties of people) {
    const created = await client.crm.contacts.basicApi.create({
      properties,
      associations: [
        {
          to: { id: properties.email!.endsWith("@acme.com") ? acme.id : globex.id },
          types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 1 }],
        },
      ],
    });
    ids[properties.email!] = created.id;
  }
  const deal = await client.crm.deals.basicApi.create({
    properties: { dealname: "Anvils", amount: "500" },
    associations: [
      { to: { id: ids["ann@acme.com"]! }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 3 }] },
    ],
  });
  ids.Anvils = deal.id;
});
afterAll(async () => {
  await server.stop();
});

describe("POST /collector/graphql", () => {
  it("answers HubSpot's contact-duplicate query over HTTP with a private-app token", async () => {
    const res = await rawCall(server, token, "POST", "/collector/graphql", {
      operationName: "data",
      query: DUPLICATES,
      variables: { email: "ann@acme.com", firstname: "Ann", lastname: "Smith" },
    });
    expect(res.status).toBe(200);
    expect(res.body!.data.CRM.contact_collection.items).toEqual([
      { hs_object_id: Number(ids["ann.smith@globex.io"]), firstname: "Ann", lastname: "Smith", email: "ann.smith@globex.io" },
    ]);
  });

  it("finds one record by id and by a unique property, and null for none", async () => {
    const query = `query one($by: String, $value: String!) { CRM { contact(uniqueIdentifier: $by, uniqueIdentifierValue: $value) { firstname hubspotscore _metadata { id } } } }`;
    const byId = await gql(query, { by: "id", value: ids["bob@acme.com"] });
    expect(byId.body!.data.CRM.contact).toEqual({ firstname: "Bob", hubspotscore: 30, _metadata: { id: ids["bob@acme.com"] } });
    const byEmail = await gql(query, { by: "email", value: "BOB@acme.com" });
    expect(byEmail.body!.data.CRM.contact.firstname).toBe("Bob");
    expect((await gql(query, { by: "email", value: "nobody@acme.com" })).body!.data.CRM.contact).toBeNull();
    expect((await gql(query, { value: "999999999" })).body!.data.CRM.contact).toBeNull();
  });

  it("reports a lookup by a property that is not unique as a field error, in the CRM's words", async () => {
    const res = await gql(`{ CRM { contact(uniqueIdentifier: "firstname", uniqueIdentifierValue: "Ann") { email } } }`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      data: { CRM: { contact: null } },
      errors: [
        {
          message: expect.stringContaining("not a unique property"),
          path: ["CRM", "contact"],
          extensions: { category: "VALIDATION_ERROR" },
        },
      ],
    });
  });

  it.each([
    ["__eq / __neq", `lastname__eq: "smith", firstname__neq: "Bob"`, ["Ann", "Ann"]],
    ["__lt / __lte", `hubspotscore__lt: 30, hubspotscore__lte: 10`, ["Ann"]],
    ["__gt / __gte", `hubspotscore__gt: 10, hubspotscore__gte: 30`, ["Bob"]],
    ["__in", `firstname__in: ["bob", "cy"]`, ["Bob", "Cy"]],
    ["__not_in", `firstname__not_in: ["bob", "cy"]`, ["Ann", "Ann"]],
    ["__contains", `email__contains: "*@globex.io"`, ["Ann", "Cy"]],
    ["__not_contains", `email__not_contains: "*@globex.io"`, ["Ann", "Bob"]],
    ["__null", `city__null: true`, ["Ann", "Cy"]],
    ["__not_null", `city__not_null: true`, ["Ann", "Bob"]],
  ])("filters with %s", async (_family, filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it("pages with limit and offset, sorts with orderBy, and counts the total", async () => {
    const page = (offset: number) =>
      gql(
        `{ CRM { contact_collection(limit: 3, offset: ${offset}, orderBy: hubspotscore__desc) { total offset limit hasMore items { email } } } }`,
      );
    const first = (await page(0)).body!.data.CRM.contact_collection;
    expect(first).toEqual({
      total: 4,
      offset: 3,
      limit: 3,
      hasMore: true,
      items: [{ email: "bob@acme.com" }, { email: "ann.smith@globex.io" }, { email: "ann@acme.com" }],
    });
    const second = (await page(first.offset)).body!.data.CRM.contact_collection;
    expect(second).toEqual({ total: 4, offset: 4, limit: 3, hasMore: false, items: [{ email: "cy@globex.io" }] });
  });

  it("refuses a page past the search limits as a field error, in the query's terms", async () => {
    const res = await gql(`{ CRM { contact_collection(limit: 500) { total } } }`);
    expect(res.body).toMatchObject({
      data: null,
      errors: [{ message: "limit must be between 1 and 200 (got 500).", extensions: { category: "VALIDATION_ERROR" } }],
    });
    const back = await gql(`{ CRM { contact_collection(offset: -1) { total } } }`);
    expect(back.body!.errors[0].message).toBe("offset must not be negative (got -1).");
    expect((await gql(`{ CRM { contact_collection(limit: null) { total } } }`)).status).toBe(400);
  });

  it("follows associations by label: the primary company, the contact's deals, and back", async () => {
    const res = await gql(
      `query($id: String!) { CRM { contact(uniqueIdentifierValue: $id) { associations {
        company_collection__primary { total items { name domain hs_object_id } }
        deal_collection__contact_to_deal { total items { dealname amount } }
      } } } }`,
      { id: ids["ann@acme.com"] },
    );
    expect(res.body!.data.CRM.contact.associations).toEqual({
      company_collection__primary: { total: 1, items: [{ name: "Acme", domain: "acme.com", hs_object_id: Number(ids.Acme) }] },
      deal_collection__contact_to_deal: { total: 1, items: [{ dealname: "Anvils", amount: 500 }] },
    });
    const back = await gql(
      `{ CRM { company_collection(filter: { name__eq: "Acme" }) { items { associations { contact_collection__company_to_contact(limit: 1, offset: 1) { total hasMore items { email } } } } } } }`,
    );
    expect(back.body!.data.CRM.company_collection.items[0].associations.contact_collection__company_to_contact).toEqual({
      total: 2,
      hasMore: false,
      items: [{ email: "bob@acme.com" }],
    });
  });

  it("pages each record's associations on its own when a collection asks for them together", async () => {
    const res = await gql(
      `{ CRM { company_collection(orderBy: name__asc) { items { name associations { contact_collection__company_to_contact(limit: 1, offset: 1) { total hasMore items { email } } } } } } }`,
    );
    expect(res.body!.data.CRM.company_collection.items).toEqual([
      {
        name: "Acme",
        associations: { contact_collection__company_to_contact: { total: 2, hasMore: false, items: [{ email: "bob@acme.com" }] } },
      },
      {
        name: "Globex",
        associations: { contact_collection__company_to_contact: { total: 2, hasMore: false, items: [{ email: "cy@globex.io" }] } },
      },
    ]);
  });

  it("carries a property created over REST at once (the cached schema is rebuilt)", async () => {
    const before = await gql(`{ CRM { contact_collection { items { favourite_tool } } } }`);
    expect(before.status).toBe(400);
    await client.crm.properties.coreApi.create("contacts", {
      name: "favourite_tool",
      label: "Favourite tool",
      type: "string" as never,
      fieldType: "text" as never,
      groupName: "contactinformation",
    });
    await client.crm.contacts.basicApi.update(ids["cy@globex.io"]!, { properties: { favourite_tool: "anvil" } });
    expect(await names(`favourite_tool__eq: "anvil"`)).toEqual(["Cy"]);
  });

  it("answers a missing GraphQL scope with HubSpot's 403 MISSING_SCOPES body", async () => {
    const { token: restOnly } = await createTestApp(server.platform, accountId, { scopes: ["crm.objects.contacts.read"] });
    const res = await gql(`{ CRM { contact_collection { total } } }`, undefined, restOnly);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      status: "error",
      category: "MISSING_SCOPES",
      message: expect.stringContaining("hasn't been granted all required scopes"),
      errors: [
        {
          message: "One or more of the following scopes are required.",
          context: { requiredGranularScopes: ["collector.graphql_query.execute"] },
        },
      ],
    });
  });

  it("asks for the read scope of every object type the query reads, as REST would", async () => {
    const { token: contactsOnly } = await createTestApp(server.platform, accountId, { scopes: ["crm.objects.contacts.read", ...GRAPHQL] });
    expect((await gql(`{ CRM { contact_collection { total } } }`, undefined, contactsOnly)).status).toBe(200);
    const res = await gql(
      `{ CRM { contact_collection { items { associations { company_collection__primary { total } } } } } }`,
      undefined,
      contactsOnly,
    );
    expect(res.status).toBe(403);
    expect(res.body!.errors[0].context.requiredGranularScopes).toEqual(["crm.objects.companies.read"]);
  });

  it("lets only a token with the schema scope introspect, with the full query GraphQL tools send", async () => {
    const { token: queryOnly } = await createTestApp(server.platform, accountId, {
      scopes: ["crm.objects.contacts.read", "collector.graphql_query.execute"],
    });
    const denied = await gql(`{ __schema { queryType { name } } }`, undefined, queryOnly);
    expect(denied.status).toBe(403);
    expect(denied.body!.errors[0].context.requiredGranularScopes).toEqual(["collector.graphql_schema.read"]);
    const full = await gql(getIntrospectionQuery());
    expect(full.status).toBe(200);
    expect(full.body!.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(["CRM", "contact", "contact_collection", "contact_filter", "company_associations"]),
    );
    const allowed = await gql(`{ __type(name: "contact_filter") { inputFields { name } } }`);
    expect(allowed.body!.data.__type.inputFields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(["email__eq", "email__not_null", "hubspotscore__gte"]),
    );
  });

  it("answers a syntax error with 400 and GraphQL's message", async () => {
    const res = await gql(`{ CRM { contact_collection { items { email } }`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: "Syntax Error: Expected Name, found <EOF>.",
          locations: [{ line: 1, column: 47 }],
          extensions: { classification: "InvalidSyntax" },
        },
      ],
    });
  });

  it("answers an unknown field and a bad variable with 400", async () => {
    const unknown = await gql(`{ CRM { contact_collection { items { no_such_property } } } }`);
    expect(unknown.status).toBe(400);
    expect(unknown.body!.errors[0]).toMatchObject({
      message: 'Cannot query field "no_such_property" on type "contact".',
      extensions: { classification: "ValidationError" },
    });
    const variable = await gql(DUPLICATES, { firstname: "Ann", lastname: "Smith" });
    expect(variable.status).toBe(400);
    expect(variable.body!.errors[0].message).toContain('Variable "$email" of required type "String!" was not provided.');
  });

  it("refuses an over-deep query before running it", async () => {
    const hop = (inner: string) =>
      `associations { company_collection__primary { items { associations { contact_collection__company_to_contact { items { ${inner} } } } } } }`;
    const res = await gql(`{ CRM { contact_collection { items { ${hop(hop("email"))} } } } }`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: "Query depth limit of 10 exceeded, found 16.", extensions: { classification: "QueryLimitExceeded" } }],
    });
  });

  it("stops parsing a huge document", async () => {
    const res = await gql(`{ CRM { contact_collection { items { ${"email ".repeat(12_000)} } } } }`);
    expect(res.status).toBe(400);
    expect(res.body!.errors[0]).toMatchObject({
      message: expect.stringContaining("10000 tokens. Parsing aborted."),
      extensions: { classification: "InvalidSyntax" },
    });
  });

  it("refuses a query that could read too many records", async () => {
    const res = await gql(
      `{ CRM { contact_collection(limit: 200) { items { associations { deal_collection__contact_to_deal(limit: 200) { items { dealname } } } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(res.body!.errors[0]).toMatchObject({
      message: expect.stringMatching(/^Query complexity \d+ exceeds the limit of 30000/),
      extensions: { classification: "QueryLimitExceeded" },
    });
  });

  it("refuses a body without a query in HubSpot's error shape", async () => {
    const res = await rawCall(server, token, "POST", "/collector/graphql", { variables: {} });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR", message: expect.stringContaining("query") });
  });

  it("logs each call in the app's API-call log, failures with their body", async () => {
    await gql(`{ CRM { contact_collection { total } } }`);
    await gql(`{ CRM {`);
    await server.platform.logs.sink.flush();
    const rows = await server.platform.store.db
      .selectFrom("api_calls")
      .select(["method", "path", "status", "response_body"])
      .where("app_id", "=", appId)
      .orderBy("id", "desc")
      .limit(2)
      .execute();
    expect(rows.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/collector/graphql", 400],
      ["POST", "/collector/graphql", 200],
    ]);
    expect(rows[0]!.response_body).toContain("Syntax Error");
  });

  it("counts against the app's rate limit like any REST call", async () => {
    const res = await gql(`{ CRM { contact_collection { total } } }`);
    expect(res.headers.get("x-hubspot-ratelimit-remaining")).toMatch(/^\d+$/);
  });
});

describe("a deployed function calling /collector/graphql", () => {
  it("runs HubSpot's duplicate-contact lookup with axios and the app's own token", async () => {
    const api = new ProjectApi(server.url, personalAccessKey);
    await deployProjectDir(api, path.join(FIXTURES, "graphql-duplicate"));
    const apps = await api.call("GET", "/api/v1/private-apps");
    const functionApp = apps.body.results.find((a: { uid: string }) => a.uid === "graphql-duplicate").appId;
    const res = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${functionApp}`, {
      body: { serverlessFunction: "findDuplicates", parameters: { email: "ann.smith@globex.io", firstname: "Ann", lastname: "Smith" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.response).toEqual([
      {
        hs_object_id: Number(ids["ann@acme.com"]),
        firstname: "Ann",
        lastname: "Smith",
        email: "ann@acme.com",
        associations: { company_collection__primary: { items: [{ name: "Acme" }] } },
      },
    ]);
  }, 240_000);
});
