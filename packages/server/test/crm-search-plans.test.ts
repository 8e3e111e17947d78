import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { createAccount } from "../src/accounts/account-service";
import { insertObjects } from "../src/crm/object-store";
import { analyzeCrm } from "../src/crm/table-stats";
import { findObjectType } from "../src/crm/object-types";
import { inTransaction } from "../src/crm/object-writes";
import { parseSearch, runSearch } from "../src/crm/search-query";

/**
 * The planned searches (crm/search-query.ts planSimple) against the plain one on the same records: a group repeated
 * twice means the same matches but takes the plain plan (filter groups intersected as whole id sets). The data is
 * sized past the planner's thresholds (5,000 matches to size a filter; a walk reads at least 5,000 records), so each
 * planned path runs: a walk of the sort's index that fills the page, one that finds too little and falls back to the
 * start set, a broad total counted from whole sets, and a small start set counted by its page (`count(*) over ()`).
 */
let server: TestServer;
const t = findObjectType("contacts")!;
let run: (body: Record<string, unknown>) => Promise<{ total: number; ids: number[] }>;
const N = 10_500;
const stages = ["subscriber", "lead", "opportunity", "customer"];

beforeAll(async () => {
  server = await startTestServer();
  const p = server.platform;
  const { accountId } = await createAccount(p, { name: "search plans", admin: { email: `plans-${Date.now()}@example.com` } });
  const defs = await p.crm.properties.live(accountId, t.id);
  const base = Date.UTC(2026, 0, 1);
  // createdate repeats every 7 records (ties broken by id) and runs against id order within a cycle of 7.
  const inputs = Array.from({ length: N }, (_, i) => ({
    createdAt: base + (6 - (i % 7)) * 1000 + Math.floor(i / 7) * 7000,
    values: {
      email: `p${i}@plans.io`,
      lastname: `n${i % 50}`,
      hubspotscore: String(i % 100),
      lifecyclestage: stages[i % 4]!,
      ...(i < 5250 ? { firstname: `f${i}` } : {}),
      ...(i >= 5200 ? { city: `c${i % 10}` } : {}),
    },
  }));
  await inTransaction(p, (trx) => insertObjects(trx, accountId, t, defs, inputs, base, { sourceType: "INTEGRATION", sourceId: "test" }));
  // What a bulk write of this size starts in production (crm/table-stats.ts), awaited: without statistics PostgreSQL
  // joins the plain plan's id sets in a nested loop, seconds a search.
  await analyzeCrm(p);
  run = async (body) => {
    const res = await runSearch(p.store.db, { accountId, t, defs }, parseSearch({ limit: 100, ...body }));
    return { total: res.total, ids: res.objects.map((o) => o.id) };
  };
}, 120_000);
afterAll(async () => {
  await server.stop();
});

type F = Record<string, unknown>;
/** The planned search and the plain one agree; returns the planned result. */
async function same(filters: F[], extra: F = {}) {
  const planned = await run({ filterGroups: [{ filters }], ...extra });
  const plain = await run({ filterGroups: [{ filters }, { filters }], ...extra });
  expect(planned).toEqual(plain);
  return planned;
}

const createdDesc = { sorts: [{ propertyName: "createdate", direction: "DESCENDING" }] };

describe("planned searches match the plain plan", () => {
  it("two broad filters: the walk fills the page, the total is counted from both sets", async () => {
    const broad = [
      { propertyName: "hubspotscore", operator: "GTE", value: "10" },
      { propertyName: "lastname", operator: "HAS_PROPERTY" },
    ];
    const first = await same(broad, createdDesc);
    expect(first.total).toBe(N * 0.9);
    expect(first.ids).toHaveLength(100);
    await same(broad, { ...createdDesc, after: "4950" });
    await same(broad, { sorts: [{ propertyName: "hs_object_id", direction: "DESCENDING" }], after: "300" });
    await same(broad, { sorts: [{ propertyName: "createdate", direction: "ASCENDING" }] });
  });

  it("two broad filters with few records in common: a walk that finds too little falls back to the start set", async () => {
    const res = await same([
      { propertyName: "firstname", operator: "HAS_PROPERTY" },
      { propertyName: "city", operator: "HAS_PROPERTY" },
    ]);
    expect(res.total).toBe(50);
    expect(res.ids).toHaveLength(50);
  });

  it("a rare value and an IN: the page of the start set counts the total, EQ and IN probed from the value index", async () => {
    const rare = [
      { propertyName: "lastname", operator: "EQ", value: "n7" },
      // n7 is every 50th record from the 8th: lead and customer by turns.
      { propertyName: "lifecyclestage", operator: "IN", values: ["lead", "subscriber"] },
    ];
    const res = await same(rare, createdDesc);
    expect(res.total).toBe(N / 50 / 2);
    await same(rare, { ...createdDesc, after: "100" });
    // Past the last match: an empty page, the total still exact.
    expect(await same(rare, { ...createdDesc, after: "500" })).toEqual({ total: N / 50 / 2, ids: [] });
    await same([...rare, { propertyName: "hubspotscore", operator: "EQ", value: "7" }], createdDesc);
  });
});
