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

  it("a text IN on a walk of the sort's index is asked of each record's stored properties", async () => {
    const res = await same(
      [
        { propertyName: "hubspotscore", operator: "GTE", value: "10" },
        { propertyName: "lifecyclestage", operator: "IN", values: ["LEAD", "subscriber", "customer", "lead"] },
      ],
      createdDesc,
    );
    // Of every hundred records, scores 10–99 (90) whose record number is not 2 modulo 4 (67 of them).
    expect(res.total).toBe((N / 100) * 67);
    expect(res.ids).toHaveLength(100);
  });
});

describe("a filter asked of the record's stored properties answers as the value index does", () => {
  // The value index holds `value.toLowerCase().slice(0, 600)`: SQL's case folding agrees with JavaScript's on
  // printable ASCII only, so every other value must be probed in the index (the Kelvin sign lowercases to k, and
  // SQLite's lower() leaves Á as it is).
  const cities = ["Paris", "PARIS", "paris", "Párís", "PÁRÍS", "İstanbul", "istanbul", "\u212Aiel", "Kiel", "tab\tKiel"];
  cities.push(`${"A".repeat(600)}B`, `${"a".repeat(599)}`, "");
  const asked = ["PARIS", "párís", "kiel", "Istanbul", "a".repeat(600), "tab\tkiel", ""];
  let search: typeof run;

  beforeAll(async () => {
    const p = server.platform;
    const { accountId } = await createAccount(p, { name: "search row checks", admin: { email: `rows-${Date.now()}@example.com` } });
    const defs = await p.crm.properties.live(accountId, t.id);
    // 60 records named `rc` (the start set) and 240 others with the same cities, so the city filter matches more
    // records than the name and is the one asked of each record; every seventh record has no city.
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      values: { email: `r${i}@rows.io`, firstname: i < 60 ? "rc" : "other", ...(i % 7 === 3 ? {} : { city: cities[i % cities.length]! }) },
    }));
    await inTransaction(p, (trx) =>
      insertObjects(trx, accountId, t, defs, inputs, Date.now(), { sourceType: "INTEGRATION", sourceId: "test" }),
    );
    search = async (body) => {
      const res = await runSearch(p.store.db, { accountId, t, defs }, parseSearch({ limit: 100, ...body }));
      return { total: res.total, ids: res.objects.map((o) => o.id) };
    };
  }, 60_000);

  it("case-folded ASCII from the row; other letters, control characters and long values as the index has them", async () => {
    const filters = [
      { propertyName: "firstname", operator: "EQ", value: "rc" },
      { propertyName: "city", operator: "IN", values: asked },
    ];
    const planned = await search({ filterGroups: [{ filters }] });
    expect(planned).toEqual(await search({ filterGroups: [{ filters }, { filters }] }));
    const wanted = new Set(asked.map((a) => a.toLowerCase()));
    const expected = Array.from({ length: 60 }, (_, i) => i).filter(
      (i) => i % 7 !== 3 && wanted.has(cities[i % cities.length]!.toLowerCase().slice(0, 600)),
    );
    expect(planned.total).toBe(expected.length);
    for (const value of cities) {
      const one = [filters[0]!, { propertyName: "city", operator: "EQ", value }];
      expect(await search({ filterGroups: [{ filters: one }] })).toEqual(
        await search({ filterGroups: [{ filters: one }, { filters: one }] }),
      );
    }
  });
});
