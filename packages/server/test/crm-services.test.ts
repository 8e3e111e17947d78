import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Platform } from "../src/platform";
import { createAccount } from "../src/accounts/account-service";
import { objectTypeById } from "../src/crm/object-types";
import { createRecords, type CreateInput } from "../src/crm/object-writes";
import { getObject, getObjects, idsByUniqueValue, objectExists, pageObjects, propertyHistory } from "../src/crm/object-store";
import { writePool } from "../src/store/pg-prepared";
import { associate, associationsFrom, labelsBetween } from "../src/crm/associations";
import { mergeObjects } from "../src/crm/object-merge";
import { gdprDelete } from "../src/crm/object-removal";
import { createAssociationLabel, deleteAssociationLabel } from "../src/crm/association-labels";
import { typesBetween } from "../src/crm/association-types";
import { PropertyDefinitions } from "../src/crm/property-service";
import { DomainError } from "../src/errors/domain-error";
import { openTestPlatform, type TestPlatform } from "./support/test-platform";
import { manualClock } from "./support/test-server";
import { testEngine } from "./support/test-database";

const contacts = objectTypeById("0-1");
const companies = objectTypeById("0-2");
const source = { sourceType: "INTEGRATION", sourceId: "1" };

let tp: TestPlatform;
let p: Platform;
let accountId: number;
const clock = manualClock();

beforeAll(async () => {
  tp = await openTestPlatform({ clock });
  p = tp.platform;
  accountId = (await createAccount(p, { name: "CRM services", admin: { email: `crm-services-${Date.now()}@example.com` } })).accountId;
});
afterAll(async () => {
  await tp.stop();
});

async function create(t: typeof contacts, properties: Record<string, string>): Promise<number> {
  const { created } = await createRecords(p, accountId, t, [{ properties }], source, false);
  return created[0]!.id;
}

/** The domain error a call rejects with (not an HTTP body: services know no HTTP). */
async function domainError(call: Promise<unknown>): Promise<DomainError> {
  const e = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

// On PostgreSQL the reads of one turn go as one statement (store/pg-prepared.ts, readPoint): each must get its own answer.
describe("getObject, several in one turn", () => {
  it("answers each read with its own record, or none", async () => {
    const [a, b] = [await create(contacts, { firstname: "Ada" }), await create(contacts, { firstname: "Bo" })];
    const reads = await Promise.all([
      getObject(p.store.db, accountId, contacts, b, false),
      getObject(p.store.db, accountId, contacts, a, false),
      getObject(p.store.db, accountId, contacts, a + b + 1000, false),
      getObject(p.store.db, accountId, companies, a, false),
      getObject(p.store.db, accountId, contacts, a, true),
      getObject(p.store.db, accountId + 1, contacts, b, false),
      getObject(p.store.db, accountId, contacts, b, false),
    ]);
    expect(reads.map((r) => r?.properties.firstname)).toEqual(["Bo", "Ada", undefined, undefined, undefined, undefined, "Bo"]);
    expect(reads[1]).toMatchObject({ id: a, typeId: "0-1", archived: false });
  });

  it.runIf(testEngine === "postgres")("reads the ids of one account and type in one statement, each id once", async () => {
    const [a, b] = [await create(contacts, { firstname: "Cy" }), await create(contacts, { firstname: "Di" })];
    const sent: unknown[] = [];
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const { name, values } = args[0] as { name?: string; values?: unknown };
      if (name?.startsWith("sprocket_crm_read_one")) sent.push(values);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    try {
      const reads = await Promise.all([b, a, b, a + b + 1000].map((id) => getObject(p.store.db, accountId, contacts, id, false)));
      expect(reads.map((r) => r?.properties.firstname)).toEqual(["Di", "Cy", "Di", undefined]);
    } finally {
      spy.mockRestore();
    }
    expect(sent).toEqual([[accountId, "0-1", 0, [b, a, a + b + 1000]]]);
  });

  it("fails a read whose statement fails, and only that one", async () => {
    const a = await create(contacts, { firstname: "Ed" });
    // An account id PostgreSQL's bigint cannot hold: its statement fails there (SQLite finds nothing).
    const [good, bad] = await Promise.allSettled([
      getObject(p.store.db, accountId, contacts, a, false),
      getObject(p.store.db, 1e30, contacts, a, false),
    ]);
    expect(good).toMatchObject({ status: "fulfilled", value: { id: a, properties: { firstname: "Ed" } } });
    expect(bad).toMatchObject(testEngine === "postgres" ? { status: "rejected" } : { status: "fulfilled", value: undefined });
  });
});

// Issue #24 item 5: on PostgreSQL the same page asked again while its statement waits for a pool connection joins it
// (store/pg-prepared.ts, readShared) instead of queueing a pool use of its own.
describe("pageObjects, the same page at once", () => {
  it("answers each read with its own page, a page asked after another was sent with what committed since", async () => {
    const owner = (await createAccount(p, { name: "CRM pages", admin: { email: `crm-pages-${Date.now()}@example.com` } })).accountId;
    const make = async (firstname: string) =>
      (await createRecords(p, owner, contacts, [{ properties: { firstname } }], source, false)).created[0]!.id;
    const [a, b] = [await make("Al"), await make("Bea")];
    await createRecords(p, owner, companies, [{ properties: { name: "Co" } }], source, false);
    const page = (afterId: number, limit = 10, t = contacts) => pageObjects(p.store.db, owner, t, { afterId, limit, archived: false });
    const names = (objects: Array<{ properties: Record<string, string> }>) =>
      objects.map((o) => o.properties.firstname ?? o.properties.name);

    // Statements that read a page, each with the connection it was sent on, and the pool's takes of those connections.
    const pages: unknown[] = [];
    const takes: unknown[] = [];
    const onAcquire = (client: unknown) => takes.push(client);
    const pool = writePool(p.store.db);
    pool?.on("acquire", onAcquire);
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string }).text);
      if (/"id" > \$4/.test(text)) pages.push(this);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    let reads;
    try {
      reads = await Promise.all([page(0), page(0), page(a), page(0), page(0, 1), page(0, 10, companies), page(0)]);
    } finally {
      spy.mockRestore();
      pool?.off("acquire", onAcquire);
    }
    expect(reads.map(names)).toEqual([["Al", "Bea"], ["Al", "Bea"], ["Bea"], ["Al", "Bea"], ["Al"], ["Co"], ["Al", "Bea"]]);
    expect(reads[0]![1]).toMatchObject({ id: b, typeId: "0-1", archived: false });
    // Each read decodes its own records: one caller's changes are not another's.
    expect(reads[0]![0]).not.toBe(reads[1]![0]);
    if (testEngine === "postgres") {
      // Four distinct pages: four statements, each on a connection of its own take (before, one per read: seven).
      expect(pages).toHaveLength(4);
      expect(takes.filter((client) => pages.includes(client))).toHaveLength(4);
    }

    const c = await make("Cal");
    expect(names(await page(0))).toEqual(["Al", "Bea", "Cal"]);
    expect((await page(b)).map((o) => o.id)).toEqual([c]);
  });
});

describe("createRecords", () => {
  const indexOf = (ids: number[]) =>
    p.store.db
      .selectFrom("crm_property_values")
      .select(["object_id", "name", "value_text", "value_num", "object_type_id"])
      .where("account_id", "=", accountId)
      .where("object_id", "in", ids)
      .orderBy("object_id")
      .orderBy("name")
      .execute();

  it("writes the records in input order with their index and history, and a held unique value writes nothing", async () => {
    const inputs: CreateInput[] = [
      { properties: { email: "Create-A@example.com", firstname: "A", lastname: "" } },
      { properties: { firstname: "B", phone: "it's \\ 'quoted'" } },
      { properties: { email: "create-c@example.com", hs_lead_status: "NEW" } },
      { properties: {} },
    ];
    const { created } = await createRecords(p, accountId, contacts, inputs, source, false);
    const ids = created.map((o) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(created.map((o) => o.properties)).toEqual([
      { email: "Create-A@example.com", firstname: "A" },
      { firstname: "B", phone: "it's \\ 'quoted'" },
      { email: "create-c@example.com", hs_lead_status: "NEW" },
      {},
    ]);
    for (const o of created) expect((await getObject(p.store.db, accountId, contacts, o.id, false))?.properties).toEqual(o.properties);
    expect(await indexOf(ids)).toEqual(
      created.flatMap((o) =>
        Object.entries(o.properties)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, v]) => ({ object_id: o.id, name, value_text: v.toLowerCase(), value_num: null, object_type_id: "0-1" })),
      ),
    );
    const history = await propertyHistory(p.store.db, accountId, ids, ["email", "firstname", "lastname", "phone", "hs_lead_status"]);
    expect(history).toEqual(
      created.flatMap((o) =>
        Object.entries(o.properties)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, value]) => ({ object_id: o.id, name, value, timestamp: clock.now(), source_type: "INTEGRATION", source_id: "1" })),
      ),
    );

    const refused = await domainError(
      createRecords(
        p,
        accountId,
        contacts,
        [{ properties: { email: "create-d@example.com" } }, { properties: { email: "CREATE-a@example.com" } }],
        source,
        false,
      ),
    );
    expect(refused.kind).toBe("conflict");
    expect(refused.message).toBe(`Contact already exists. Existing ID: ${ids[0]}`);
    expect([
      ...(await idsByUniqueValue(p.store.db, accountId, contacts, "email", ["create-d@example.com", "create-a@example.com"])),
    ]).toEqual([["create-a@example.com", ids[0]]]);
  });

  it("refuses a unique value given twice in one batch as before", async () => {
    const e = await domainError(
      createRecords(
        p,
        accountId,
        contacts,
        [{ properties: { email: "twice@example.com" } }, { properties: { email: "Twice@example.com" } }],
        source,
        false,
      ),
    );
    expect(e.message).toBe('Duplicate email "Twice@example.com" within one request.');
  });

  // Issue #24 item 5: a create was seven statements (BEGIN, locks, holders, record, index, history, COMMIT), each a
  // round trip holding the connection the reads queue for.
  it.runIf(testEngine === "postgres")(
    "sends a create of records with unique values as one query, holding one connection once",
    async () => {
      const pool = writePool(p.store.db)!;
      const taken = new Set<unknown>();
      const onAcquire = (client: unknown) => taken.add(client);
      pool.on("acquire", onAcquire);
      const sent: string[] = [];
      const query = pg.Client.prototype.query;
      const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
        if (taken.has(this)) sent.push(typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string }).text));
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query);
      let created;
      try {
        ({ created } = await createRecords(
          p,
          accountId,
          contacts,
          [{ properties: { email: "one-trip-a@example.com", lastname: "load" } }, { properties: { email: "one-trip-b@example.com" } }],
          source,
          false,
        ));
      } finally {
        spy.mockRestore();
        pool.off("acquire", onAcquire);
      }
      expect(taken.size).toBe(1);
      expect(sent).toHaveLength(1);
      expect(created.map((o) => o.properties.email)).toEqual(["one-trip-a@example.com", "one-trip-b@example.com"]);
    },
  );

  it.runIf(testEngine === "postgres")("fails a value PostgreSQL's text cannot hold as before, writing nothing", async () => {
    await expect(
      createRecords(p, accountId, contacts, [{ properties: { email: "nul@example.com", firstname: "a\u0000b" } }], source, false),
    ).rejects.toMatchObject({ code: "22021" });
    expect((await idsByUniqueValue(p.store.db, accountId, contacts, "email", ["nul@example.com"])).size).toBe(0);
  });
});

describe("mergeObjects", () => {
  it("keeps the primary's values, fills its gaps, archives the merged record and moves its associations", async () => {
    const primary = await create(contacts, { email: "merge-primary@example.com", firstname: "Ada" });
    const other = await create(contacts, { email: "merge-other@example.com", firstname: "Augusta", lastname: "King", phone: "+44 20" });
    const company = await create(companies, { name: "Analytical Engines" });
    await associate(p.store.db, accountId, contacts, companies, [
      { fromId: other, toId: company, specs: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 }] },
    ]);

    const merged = await mergeObjects(p, accountId, contacts, { primaryObjectId: String(primary), objectIdToMerge: String(other) }, source);

    expect(merged.id).toBe(primary);
    expect(merged.properties).toMatchObject({ email: "merge-primary@example.com", firstname: "Ada", lastname: "King", phone: "+44 20" });
    expect((await getObjects(p.store.db, accountId, contacts, [other], true)).get(other)?.archived).toBe(true);
    expect((await associationsFrom(p.store.db, accountId, primary)).map((a) => [a.to_type, Number(a.to_id), a.type_id])).toEqual([
      ["0-2", company, 279],
    ]);
    expect(await associationsFrom(p.store.db, accountId, other)).toEqual([]);
  });

  it("refuses a record merged into itself, however its id is spelt, and changes nothing", async () => {
    const id = await create(contacts, { email: "merge-self@example.com" });
    const e = await domainError(mergeObjects(p, accountId, contacts, { primaryObjectId: String(id), objectIdToMerge: `00${id}` }, source));
    expect(e).toMatchObject({
      kind: "invalid",
      category: "VALIDATION_ERROR",
      details: { errors: [{ code: "MERGE_WITH_SELF", in: "objectIdToMerge" }] },
    });
    expect((await getObjects(p.store.db, accountId, contacts, [id], false)).has(id)).toBe(true);
  });

  it("names a missing record as not found and a non-id as invalid", async () => {
    const id = await create(contacts, { email: "merge-missing@example.com" });
    const missing = await domainError(
      mergeObjects(p, accountId, contacts, { primaryObjectId: String(id), objectIdToMerge: "999999999" }, source),
    );
    expect(missing).toMatchObject({
      kind: "not_found",
      category: "OBJECT_NOT_FOUND",
      message: "Object not found: no contact with id 999999999 in this account.",
    });
    const notAnId = await domainError(
      mergeObjects(p, accountId, contacts, { primaryObjectId: "ada@example.com", objectIdToMerge: String(id) }, source),
    );
    expect(notAnId).toMatchObject({ kind: "invalid", details: { errors: [{ code: "INVALID_OBJECT_ID", in: "primaryObjectId" }] } });
    expect((await getObjects(p.store.db, accountId, contacts, [id], false)).has(id)).toBe(true);
  });
});

describe("gdprDelete", () => {
  it("removes a record found by id or by email for good, archived ones included, with its associations", async () => {
    const byId = await create(contacts, { email: "gdpr-id@example.com" });
    const byEmail = await create(contacts, { email: "gdpr-email@example.com" });
    const company = await create(companies, { name: "Forgotten Ltd" });
    await associate(p.store.db, accountId, contacts, companies, [
      { fromId: byEmail, toId: company, specs: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 }] },
    ]);

    await gdprDelete(p, accountId, contacts, String(byId), undefined);
    await gdprDelete(p, accountId, contacts, "GDPR-Email@example.com", "email");

    expect(await objectExists(p.store.db, accountId, contacts, byId)).toBe(false);
    expect(await objectExists(p.store.db, accountId, contacts, byEmail)).toBe(false);
    expect(await associationsFrom(p.store.db, accountId, company)).toEqual([]);
    const history = await p.store.db
      .selectFrom("crm_property_history")
      .select("object_id")
      .where("object_id", "in", [byId, byEmail])
      .execute();
    expect(history).toEqual([]);
  });

  it("is not found for an unknown id and for another account's record, which stays", async () => {
    const other = (await createAccount(p, { name: "Other", admin: { email: `crm-services-other-${Date.now()}@example.com` } })).accountId;
    const { created } = await createRecords(p, other, contacts, [{ properties: { email: "theirs@example.com" } }], source, false);
    const theirs = created[0]!.id;
    for (const raw of [String(theirs), "999999999"]) {
      expect(await domainError(gdprDelete(p, accountId, contacts, raw, undefined))).toMatchObject({
        kind: "not_found",
        message: `Object not found: no contact with id ${raw} in this account.`,
      });
    }
    expect(await objectExists(p.store.db, other, contacts, theirs)).toBe(true);
  });
});

describe("deleteAssociationLabel", () => {
  it("deletes the label and its inverse with every labelled association, leaving the plain association", async () => {
    const contact = await create(contacts, { email: "label-delete@example.com" });
    const company = await create(companies, { name: "Labelled Inc" });
    const [forward, inverse] = await createAssociationLabel(p, accountId, contacts, companies, {
      name: "billing_contact",
      label: "Billing contact",
      inverseLabel: "Billed company",
    });
    await associate(p.store.db, accountId, contacts, companies, [
      { fromId: contact, toId: company, specs: [{ associationCategory: "USER_DEFINED", associationTypeId: forward!.type_id }] },
    ]);
    expect(await labelsBetween(p.store.db, accountId, contacts, contact, companies, company)).toContain("Billing contact");

    await deleteAssociationLabel(p, accountId, contacts, companies, forward!.type_id);

    const userTypes = async (from: string, to: string) =>
      (await typesBetween(p.store.db, accountId, from, to)).filter((t) => t.category === "USER_DEFINED").map((t) => t.typeId);
    expect(await userTypes("0-1", "0-2")).not.toContain(forward!.type_id);
    expect(await userTypes("0-2", "0-1")).not.toContain(inverse!.type_id);
    const left = [...(await associationsFrom(p.store.db, accountId, contact)), ...(await associationsFrom(p.store.db, accountId, company))];
    expect(left.map((a) => [a.category, a.type_id]).sort()).toEqual([
      ["HUBSPOT_DEFINED", 279],
      ["HUBSPOT_DEFINED", 280],
    ]);
  });

  it("is not found for a type that is not a label between the two types", async () => {
    const [forward] = await createAssociationLabel(p, accountId, contacts, companies, { name: "other_pair", label: "Other pair" });
    const e = await domainError(deleteAssociationLabel(p, accountId, companies, contacts, forward!.type_id));
    expect(e).toMatchObject({
      kind: "not_found",
      message: `No USER_DEFINED association type ${forward!.type_id} from companies to contacts.`,
    });
    expect((await typesBetween(p.store.db, accountId, "0-1", "0-2")).some((t) => t.typeId === forward!.type_id)).toBe(true);
  });
});

describe("PropertyDefinitions", () => {
  it("answers a cached type without a promise, re-reads after its clock moves past the cache time, and forgets on change", async () => {
    const first = p.crm.properties.live(accountId, contacts.id);
    const defs = first instanceof Promise ? await first : first;
    const hit = p.crm.properties.live(accountId, contacts.id);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toBe(defs);

    clock.advance(1000);
    expect(p.crm.properties.live(accountId, contacts.id)).toBeInstanceOf(Promise);

    await p.store.db.transaction().execute((trx) =>
      p.crm.properties.create(trx, accountId, contacts, {
        name: "favourite_engine",
        label: "Favourite engine",
        type: "string",
        fieldType: "text",
        groupName: "contactinformation",
      }),
    );
    const after = await p.crm.properties.live(accountId, contacts.id);
    expect(after.has("favourite_engine")).toBe(true);
  });

  it("reads a type again in the background past half the cache time, so a read at the expiry does not wait", async () => {
    const own = new PropertyDefinitions(p.store.db, clock);
    expect((await own.live(accountId, companies.id)).has("board_seats")).toBe(false);
    await p.store.db.transaction().execute((trx) =>
      p.crm.properties.create(trx, accountId, companies, {
        name: "board_seats",
        label: "Board seats",
        type: "number",
        fieldType: "number",
        groupName: "companyinformation",
      }),
    );
    clock.advance(600);
    // Still the first read's answer, without a promise; the next read has started.
    expect((own.live(accountId, companies.id) as Map<string, unknown>).has("board_seats")).toBe(false);
    for (let i = 0; i < 300 && !(own.live(accountId, companies.id) as Map<string, unknown>).has("board_seats"); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((own.live(accountId, companies.id) as Map<string, unknown>).has("board_seats")).toBe(true);
    // Past the first read's expiry: the background read's answer, as fresh as a read started at 600 ms.
    clock.advance(500);
    expect(own.live(accountId, companies.id)).not.toBeInstanceOf(Promise);
  });

  it("belongs to one platform: another over the same store keeps its own cache", async () => {
    const own = new PropertyDefinitions(p.store.db, clock);
    const before = await own.live(accountId, companies.id);
    await p.store.db.transaction().execute((trx) =>
      p.crm.properties.create(trx, accountId, companies, {
        name: "founded_by",
        label: "Founded by",
        type: "string",
        fieldType: "text",
        groupName: "companyinformation",
      }),
    );
    expect((own.live(accountId, companies.id) as Map<string, unknown>).has("founded_by")).toBe(false);
    expect(before.has("founded_by")).toBe(false);
    own.invalidate(accountId, companies.id);
    expect((await own.live(accountId, companies.id)).has("founded_by")).toBe(true);
  });
});
