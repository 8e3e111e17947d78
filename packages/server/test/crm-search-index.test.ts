import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { testEngine } from "./support/test-database";
import { createAccount } from "../src/accounts/account-service";
import { archiveObjects, getObjects, insertObjects, updateObjects } from "../src/crm/object-store";
import { findObjectType } from "../src/crm/object-types";
import { inTransaction } from "../src/crm/object-writes";
import { analyzeCrm } from "../src/crm/table-stats";
import { parseSearch, runSearch } from "../src/crm/search-query";
import { createPlatform, loadConfig } from "../src/index";
import type { Platform } from "../src/platform";

/**
 * The in-memory search index (crm/search-index.ts) against the SQL plan on the same records: random records (missing
 * values, numbers stored as text, non-ASCII and over-long text, archived and updated records) and random searches
 * (every operator the index answers, boundaries of the ranges, each sort, pages at offsets); each answer is checked
 * to come from the index. Then the consistency contract: a write acknowledged on one node is seen by the next search
 * on that node and on another one (a second platform on the same SQLite file, or on the same PostgreSQL database and
 * Redis), while the index built before it is still in memory.
 */
const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const t = findObjectType("contacts")!;
const SOURCE = { sourceType: "INTEGRATION", sourceId: "test" };
const env: NodeJS.ProcessEnv = {
  SPROCKET_SEARCH_INDEX_MIN_RECORDS: "0",
  ...(testEngine === "postgres"
    ? {
        SPROCKET_REDIS_URL: REDIS_URL,
        SPROCKET_REDIS_PREFIX: `idx${randomBytes(4).toString("hex")}`,
        SPROCKET_SECRET_KEY: randomBytes(32).toString("hex"),
      }
    : {}),
};

let server: TestServer;
let other: Platform;
let accountId: number;

/** A seeded generator: the same records and searches each run. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
const r = rng(7);
const base = Date.UTC(2026, 0, 1);
const NAMES = ["Smith", "smith", "SMITH", "Ärger", "ärger", "\u212Aelvin", "Kelvin", "O'Neil", "a\tb", "x".repeat(700), "Zoë"];
const STAGES = ["subscriber", "lead", "opportunity", "customer"];
const ZIPS = ["42", "0042", "7", "4.2e1", "abc"];
const DATES = ["2026-01-01T00:00:00.000Z", "2026-02-01T12:00:00.000Z", "2026-03-01T00:00:00.000Z"];
const sometimes = <T>(make: () => T, p = 0.75): T | undefined => (r.next() < p ? make() : undefined);

function randomValues(): Record<string, string | null> {
  const v: Record<string, string | undefined> = {
    lastname: sometimes(() => r.pick(NAMES)),
    lifecyclestage: sometimes(() => r.pick(STAGES)),
    hubspotscore: sometimes(() => r.pick([String(r.int(21) - 5), "2.5", "-0.5"])),
    zip: sometimes(() => r.pick(ZIPS), 0.5),
    closedate: sometimes(() => r.pick(DATES), 0.5),
    hs_email_optout: sometimes(() => r.pick(["true", "false"]), 0.5),
  };
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => e[1] !== undefined));
}

type Filter = Record<string, unknown>;
function randomFilter(): Filter {
  const score = () => r.pick([r.int(21) - 5, String(r.int(21) - 5), 2.5, "-0.5"]);
  const at = () => base + r.int(40) * 1000;
  switch (r.int(9)) {
    case 0: {
      const operator = r.pick(["EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]);
      return { propertyName: "lastname", operator, value: r.pick(NAMES), values: [r.pick(NAMES), r.pick(NAMES)] };
    }
    case 1: {
      const operator = r.pick(["EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY"]);
      return { propertyName: "lifecyclestage", operator, value: r.pick(STAGES), values: [r.pick(STAGES), r.pick(STAGES)] };
    }
    case 2:
    case 3: {
      const operator = r.pick(["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]);
      return { propertyName: "hubspotscore", operator, value: score(), highValue: score(), values: [score(), score()] };
    }
    case 4:
      return { propertyName: "zip", operator: r.pick(["EQ", "IN", "NEQ"]), value: r.pick([42, "42", "0042", 7]), values: [42, "abc"] };
    case 5:
      return {
        propertyName: "closedate",
        operator: r.pick(["GTE", "LT", "EQ", "HAS_PROPERTY"]),
        value: r.pick([...DATES, String(Date.parse(DATES[1]!))]),
      };
    case 6: {
      const operator = r.pick(["GTE", "LT", "LTE", "GT", "BETWEEN", "EQ", "NEQ"]);
      return { propertyName: r.pick(["createdate", "lastmodifieddate"]), operator, value: at(), highValue: at() };
    }
    case 7:
      return { propertyName: "hs_email_optout", operator: r.pick(["EQ", "NEQ"]), value: r.pick([true, "false"]) };
    default:
      return { propertyName: "hs_object_id", operator: r.pick(["GT", "IN", "NOT_IN"]), value: r.int(2000), values: [r.int(2000)] };
  }
}
const SORTS = [[], ["createdate"], ["-createdate"], [{ propertyName: "lastmodifieddate", direction: "DESCENDING" }], ["-hs_object_id"]];

/** A search's answer by the SQL plan, and by the index when `index` (answered from memory, or the test fails). */
async function search(p: Platform, body: Record<string, unknown>, index: boolean) {
  const defs = await p.crm.properties.live(accountId, t.id);
  const spy = vi.spyOn(p.crm.search, "search");
  try {
    const res = await runSearch(p.store.db, { accountId, t, defs, ...(index ? { index: p.crm.search } : {}) }, parseSearch(body));
    const fromMemory = index && (await spy.mock.results[0]?.value) !== undefined;
    return { total: res.total, ids: res.objects.map((o) => o.id), fromMemory };
  } finally {
    spy.mockRestore();
  }
}

/** Searches until the index answers each of these (its first build, or a rebuild after a write). */
async function warm(p: Platform, bodies: Array<Record<string, unknown>>) {
  await vi.waitFor(
    async () => {
      const answers = [];
      for (const body of bodies) answers.push((await search(p, body, true)).fromMemory);
      expect(answers.every(Boolean)).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
}

beforeAll(async () => {
  server = await startTestServer({ env, demoCrm: false });
  const p = server.platform;
  ({ accountId } = await createAccount(p, { name: "search index", admin: { email: `index-${Date.now()}@example.com` } }));
  const defs = await p.crm.properties.live(accountId, t.id);
  const inputs = Array.from({ length: 1500 }, () => ({ createdAt: base + r.int(40) * 1000, values: randomValues() }));
  const created = await inTransaction(p, (trx) => insertObjects(trx, accountId, t, defs, inputs, base, SOURCE));
  const later = created.filter(() => r.next() < 0.15);
  await inTransaction(p, (trx) =>
    updateObjects(
      trx,
      accountId,
      t,
      defs,
      later.map((object) => ({ object, values: { ...randomValues(), lastname: sometimes(() => r.pick(NAMES)) ?? null } })),
      base + 50_000,
      SOURCE,
    ),
  );
  await inTransaction(p, (trx) =>
    archiveObjects(
      trx,
      accountId,
      t,
      created.filter(() => r.next() < 0.1).map((o) => o.id),
      base + 60_000,
    ),
  );
  // Planner statistics, as a bulk write starts them: without them PostgreSQL's plain plan takes seconds a search.
  await analyzeCrm(p);
  // A second node: another platform on the same SQLite file, or on the same PostgreSQL database and Redis.
  other = await createPlatform(
    loadConfig(
      { port: 0, dataDir: server.db.dataDir },
      { ...env, SPROCKET_LOG_LEVEL: "silent", ...(server.db.databaseUrl ? { SPROCKET_DATABASE_URL: server.db.databaseUrl } : {}) },
    ),
  );
}, 120_000);

afterAll(async () => {
  await other?.close();
  await server?.stop();
});

describe("the in-memory search index", () => {
  it("answers 300 random searches as the SQL plan does, from memory", async () => {
    const p = server.platform;
    const bodies = Array.from({ length: 300 }, () => ({
      filterGroups: [{ filters: Array.from({ length: 1 + r.int(3) }, randomFilter) }],
      sorts: r.pick(SORTS),
      limit: 1 + r.int(60),
      ...(r.next() < 0.3 ? { after: String(r.int(200)) } : {}),
    }));
    // No filter at all (a CRM index page's first search): every record, in each order, first pages and later ones.
    for (const sorts of SORTS)
      for (const after of [undefined, "3", "1990"]) bodies.push({ filterGroups: [], sorts, limit: 25, ...(after ? { after } : {}) });
    // Every property and order these name, built once, then every answer from memory.
    await warm(p, [
      ...SORTS.map((sorts) => ({ sorts })),
      {
        filterGroups: [
          {
            filters: ["lastname", "lifecyclestage", "hubspotscore", "zip", "closedate", "hs_email_optout"].map((propertyName) => ({
              propertyName,
              operator: "HAS_PROPERTY",
            })),
          },
        ],
      },
    ]);
    let matched = 0;
    for (const body of bodies) {
      const plain = await search(p, body, false);
      const indexed = await search(p, body, true);
      expect({ body, ...indexed }).toEqual({ body, ...plain, fromMemory: true });
      if (plain.total > 0) matched++;
    }
    // The searches are not all empty ones.
    expect(matched).toBeGreaterThan(100);
  });

  it("falls back to the SQL plan for what it does not answer", async () => {
    const p = server.platform;
    for (const body of [
      { filterGroups: [{ filters: [{ propertyName: "lastname", operator: "GT", value: "m" }] }] },
      { filterGroups: [{ filters: [{ propertyName: "lastname", operator: "CONTAINS_TOKEN", value: "smith" }] }] },
      {
        filterGroups: [
          { filters: [{ propertyName: "lifecyclestage", operator: "EQ", value: "lead" }] },
          { filters: [{ propertyName: "zip", operator: "EQ", value: "42" }] },
        ],
      },
      { query: "smith" },
      { sorts: ["lastname"] },
    ]) {
      const indexed = await search(p, body, true);
      expect(indexed.fromMemory).toBe(false);
      expect(indexed).toEqual({ ...(await search(p, body, false)), fromMemory: false });
    }
  });

  it("shows a write acknowledged on this node to the next search, and on another node", async () => {
    const p = server.platform;
    const body = {
      filterGroups: [{ filters: [{ propertyName: "lifecyclestage", operator: "EQ", value: "evangelist" }] }],
      sorts: ["-createdate"],
    };
    await warm(p, [body]);
    await warm(other, [body]);
    expect((await search(other, body, true)).total).toBe(0);
    const defs = await p.crm.properties.live(accountId, t.id);
    const [first, second] = (await search(p, { limit: 2 }, false)).ids;
    const load = async (db: Platform["store"]["db"], id: number) => (await getObjects(db, accountId, t, [id], false, true)).get(id)!;

    // One node: the update commits, then the search that follows does not take the index built before it.
    await inTransaction(p, async (trx) =>
      updateObjects(
        trx,
        accountId,
        t,
        defs,
        [{ object: await load(trx, first!), values: { lifecyclestage: "evangelist" } }],
        Date.now(),
        SOURCE,
      ),
    );
    expect(await search(p, body, true)).toMatchObject({ total: 1, ids: [first] });
    expect(await search(other, body, true)).toMatchObject({ total: 1, ids: [first] });

    // Rebuilt on both nodes; then a write on the other node, seen here at once.
    await warm(p, [body]);
    await warm(other, [body]);
    await inTransaction(other, async (trx) =>
      updateObjects(
        trx,
        accountId,
        t,
        defs,
        [{ object: await load(trx, second!), values: { lifecyclestage: "evangelist" } }],
        Date.now(),
        SOURCE,
      ),
    );
    expect((await search(p, body, true)).ids.sort()).toEqual([first, second].sort());
    expect((await search(other, body, true)).total).toBe(2);

    // Archived on one node: gone from the other's next search.
    await warm(p, [body]);
    await inTransaction(p, (trx) => archiveObjects(trx, accountId, t, [first!], Date.now()));
    expect(await search(other, body, true)).toMatchObject({ total: 1, ids: [second] });
    await warm(other, [body]);
    expect(await search(other, body, true)).toMatchObject({ total: 1, ids: [second], fromMemory: true });
  });
});
