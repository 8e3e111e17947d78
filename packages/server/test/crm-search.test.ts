import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";
import { objectTypeById } from "../src/crm/object-types";
import { parseSearch, runSearch } from "../src/crm/search-query";
import { writePool } from "../src/store/pg-prepared";
import { testEngine } from "./support/test-database";

let server: TestServer;
let client: Client;
let token: string;
let accountId: number;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  ({ accountId } = await createAccount(server.platform, {
    name: "CRM search",
    admin: { email: `crm-search-${Date.now()}@example.com` },
  }));
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId));
  const people: Array<Record<string, string>> = [
    { email: "ann@acme.com", firstname: "Ann", lastname: "Smith", hubspotscore: "10", lifecyclestage: "lead", city: "Boston" },
    { email: "bob@acme.com", firstname: "Bob", lastname: "Jones", hubspotscore: "20", lifecyclestage: "customer" },
    { email: "cy@globex.io", firstname: "Cy", lastname: "Smith Jr", hubspotscore: "30", lifecyclestage: "customer", city: "Austin" },
    { email: "di@globex.io", firstname: "Di", lastname: "Ng" },
  ];
  const res = await client.crm.contacts.batchApi.create({ inputs: people.map((properties) => ({ properties, associations: [] })) });
  for (const r of res.results) ids[r.properties.firstname!] = r.id;
});
afterAll(async () => {
  await server.stop();
});

async function names(filters: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const res = await client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: filters as never }],
    sorts: ["firstname"],
    properties: ["firstname"],
    limit: 100,
    after: "0",
    ...extra,
  } as never);
  return res.results.map((r) => r.properties.firstname);
}

describe("search through the official SDK", () => {
  it.each([
    ["EQ", [{ propertyName: "lastname", operator: "EQ", value: "SMITH" }], ["Ann"]],
    ["NEQ", [{ propertyName: "lifecyclestage", operator: "NEQ", value: "customer" }], ["Ann", "Di"]],
    ["LT", [{ propertyName: "hubspotscore", operator: "LT", value: "20" }], ["Ann"]],
    ["LTE", [{ propertyName: "hubspotscore", operator: "LTE", value: "20" }], ["Ann", "Bob"]],
    ["GT", [{ propertyName: "hubspotscore", operator: "GT", value: "20" }], ["Cy"]],
    ["GTE", [{ propertyName: "hubspotscore", operator: "GTE", value: "20" }], ["Bob", "Cy"]],
    ["BETWEEN", [{ propertyName: "hubspotscore", operator: "BETWEEN", value: "15", highValue: "30" }], ["Bob", "Cy"]],
    ["IN", [{ propertyName: "firstname", operator: "IN", values: ["ann", "di"] }], ["Ann", "Di"]],
    ["NOT_IN", [{ propertyName: "firstname", operator: "NOT_IN", values: ["ann", "di"] }], ["Bob", "Cy"]],
    ["HAS_PROPERTY", [{ propertyName: "city", operator: "HAS_PROPERTY" }], ["Ann", "Cy"]],
    ["NOT_HAS_PROPERTY", [{ propertyName: "city", operator: "NOT_HAS_PROPERTY" }], ["Bob", "Di"]],
    ["CONTAINS_TOKEN", [{ propertyName: "email", operator: "CONTAINS_TOKEN", value: "*@globex.io" }], ["Cy", "Di"]],
    ["NOT_CONTAINS_TOKEN", [{ propertyName: "lastname", operator: "NOT_CONTAINS_TOKEN", value: "smith" }], ["Bob", "Di"]],
  ])("%s", async (_op, filters, expected) => {
    expect(await names(filters)).toEqual(expected);
  });

  it("ANDs filters in a group, ORs groups, sorts, and counts the total", async () => {
    const res = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: "lifecyclestage", operator: "EQ" as never, value: "customer" },
            { propertyName: "hubspotscore", operator: "GT" as never, value: "25" },
          ],
        },
        { filters: [{ propertyName: "firstname", operator: "EQ" as never, value: "Di" }] },
      ],
      sorts: [{ propertyName: "hubspotscore", direction: "DESCENDING" }] as never,
      properties: ["firstname"],
      limit: 10,
      after: "0",
    });
    expect(res.total).toBe(2);
    expect(res.results.map((r) => r.properties.firstname)).toEqual(["Cy", "Di"]);
  });

  it("searches default searchable properties with query, and pages by offset", async () => {
    expect((await names([], { query: "smi", filterGroups: [] })).sort()).toEqual(["Ann", "Cy"]);
    const first = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [],
      sorts: [],
      properties: [],
      limit: 3,
      after: "0",
    } as never);
    expect(first.total).toBe(4);
    expect(first.paging?.next?.after).toBe("3");
    const second = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [],
      sorts: [],
      properties: [],
      limit: 3,
      after: first.paging!.next!.after,
    } as never);
    expect(second.results).toHaveLength(1);
    expect(second.paging).toBeUndefined();
    expect(Object.keys(first.results[0]!.properties).sort()).toEqual([
      "createdate",
      "email",
      "firstname",
      "hs_object_id",
      "lastmodifieddate",
      "lastname",
    ]);
  });

  it("filters by createdate (epoch millis or ISO) and finds nothing archived", async () => {
    const since = String(Date.now() - 60_000);
    expect(await names([{ propertyName: "createdate", operator: "GTE", value: since }])).toEqual(["Ann", "Bob", "Cy", "Di"]);
    await client.crm.contacts.basicApi.archive(ids.Di!);
    expect(await names([{ propertyName: "createdate", operator: "GTE", value: new Date(Number(since)).toISOString() }])).toEqual([
      "Ann",
      "Bob",
      "Cy",
    ]);
  });

  it("refuses HubSpot's limits with 400 VALIDATION_ERROR", async () => {
    const f = { propertyName: "firstname", operator: "EQ", value: "x" };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ limit: 201 }, /limit must be between 1 and 200/],
      [{ filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) }, /Too many filter groups: 6/],
      [{ filterGroups: [{ filters: Array.from({ length: 11 }, () => f) }] }, /Too many filters in a group: 11/],
      [{ filterGroups: Array.from({ length: 5 }, () => ({ filters: Array.from({ length: 6 }, () => f) })) }, /Too many filters: 30/],
      [{ after: "9950", limit: 100 }, /capped at 10000/],
      [{ filterGroups: [{ filters: [{ propertyName: "nope", operator: "EQ", value: "1" }] }] }, /property nope/],
      [{ filterGroups: [{ filters: [{ propertyName: "firstname", operator: "IN" }] }] }, /needs a non-empty values array/],
      [{ filterGroups: [{ filters: [{ propertyName: "firstname", operator: "LIKE", value: "x" }] }] }, /operator/],
    ];
    for (const [body, message] of cases) {
      const res = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/search", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
      expect(res.body!.message).toMatch(message);
    }
  });
});

// Enough records that every filter below matches more than the 2,000 the planner sizes a filter by, so the search
// walks createdate's index and probes the filters per record; a rare lastname starts from its own set instead.
describe("search over a few thousand records", () => {
  const N = 2200;
  let bulkToken: string;
  const people: Array<{ id: number; score: number; stage: string; lastname: string }> = [];
  const stages = ["subscriber", "lead", "opportunity", "customer"];

  beforeAll(async () => {
    const { accountId } = await createAccount(server.platform, {
      name: "CRM search bulk",
      admin: { email: `bulk-${Date.now()}@example.com` },
    });
    await liftLimits(server, accountId);
    ({ token: bulkToken } = await crmClient(server, accountId));
    for (let b = 0; b < N / 100; b++) {
      const inputs = Array.from({ length: 100 }, (_, i) => {
        const n = b * 100 + i;
        return {
          properties: { email: `p${n}@bulk.io`, lastname: `n${n % 50}`, hubspotscore: String(n % 100), lifecyclestage: stages[n % 4]! },
        };
      });
      const res = await rawCall(server, bulkToken, "POST", "/crm/v3/objects/contacts/batch/create", { inputs });
      for (const r of res.body!.results as Array<{ id: string; properties: Record<string, string> }>)
        people.push({
          id: Number(r.id),
          score: Number(r.properties.hubspotscore),
          stage: r.properties.lifecyclestage!,
          lastname: r.properties.lastname!,
        });
    }
  });

  const search = async (body: Record<string, unknown>) => {
    const res = await rawCall(server, bulkToken, "POST", "/crm/v3/objects/contacts/search", {
      properties: ["hubspotscore"],
      limit: 100,
      ...body,
    });
    expect(res.status).toBe(200);
    return { total: res.body!.total as number, ids: (res.body!.results as Array<{ id: string }>).map((r) => Number(r.id)) };
  };

  // The walk of the sort's index starts at 5,000 matches per filter: crm-search-plans.test.ts covers it.
  it("two broad filters sorted by id, first page and the last", async () => {
    // createdate is the batch's time: ties are broken by id, ascending.
    const matches = people.filter((p) => p.score >= 5);
    const byCreated = [...matches].sort((a, b) => b.id - a.id).map((p) => p.id);
    const filterGroups = [
      {
        filters: [
          { propertyName: "hubspotscore", operator: "GTE", value: "5" },
          { propertyName: "lastname", operator: "HAS_PROPERTY" },
        ],
      },
    ];
    const first = await search({ filterGroups, sorts: [{ propertyName: "hs_object_id", direction: "DESCENDING" }] });
    expect(first).toEqual({ total: matches.length, ids: byCreated.slice(0, 100) });
    const tail = await search({ filterGroups, sorts: [{ propertyName: "hs_object_id", direction: "DESCENDING" }], after: "2050" });
    expect(tail).toEqual({ total: matches.length, ids: byCreated.slice(2050) });
  });

  it("starts from a rare value's set and probes the other filter, sorted by a property", async () => {
    const matches = people
      .filter((p) => p.lastname === "n7" && (p.stage === "lead" || p.stage === "customer"))
      .sort((a, b) => b.score - a.score || a.id - b.id);
    const res = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: "lastname", operator: "EQ", value: "n7" },
            { propertyName: "lifecyclestage", operator: "IN", values: ["lead", "customer"] },
          ],
        },
      ],
      sorts: [{ propertyName: "hubspotscore", direction: "DESCENDING" }],
      limit: 10,
    });
    expect(res).toEqual({ total: matches.length, ids: matches.slice(0, 10).map((p) => p.id) });
  });
});

// Issue #24 item 5: a search's plan was a pool use per statement (the filters' sizes, then the page, then perhaps the
// count), each a wait in the pool's queue behind every other request's under load.
describe.runIf(testEngine === "postgres")("a search's statements on PostgreSQL", () => {
  it("take one connection from the pool once, for one statement where one filter matches few", async () => {
    const p = server.platform;
    const t = objectTypeById("0-1");
    const defs = await p.crm.properties.live(accountId, t.id);
    const pool = writePool(p.store.db)!;
    // Each take of a connection, with the statements sent on it until the next take (the pool also serves the
    // server's own background work meanwhile, told apart by what it sends).
    const uses: Array<{ client: unknown; sent: string[] }> = [];
    const onAcquire = (client: unknown) => uses.push({ client, sent: [] });
    pool.on("acquire", onAcquire);
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const use = uses.findLast((u) => u.client === this);
      use?.sent.push(typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string }).text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    let found;
    try {
      found = await runSearch(
        p.store.searchDb,
        { accountId, t, defs },
        parseSearch({ filterGroups: [{ filters: [{ propertyName: "lastname", operator: "EQ", value: "smith" }] }], limit: 10 }),
      );
    } finally {
      spy.mockRestore();
      pool.off("acquire", onAcquire);
    }
    expect(found.objects.map((o) => String(o.id))).toEqual([ids.Ann]);
    expect(found.total).toBe(1);
    const searching = uses.filter((u) => u.sent.some((text) => /crm_objects o|crm_property_values/.test(text)));
    expect(searching).toHaveLength(1);
    expect(searching[0]!.sent).toHaveLength(1);
  });
});
