import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify from "fastify";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";
import { registerErrorHandling } from "../src/http/error-handler";
import { parseRequestJson } from "../src/util/safe-json";

// Bad input on the CRM API is a 4xx in HubSpot's body and changes nothing (security review F8, F9, F16).

let server: TestServer;
let client: Client;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const { accountId } = await createAccount(server.platform, {
    name: "CRM bad input",
    admin: { email: `crm-bad-input-${Date.now()}@example.com` },
  });
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId));
});
afterAll(async () => {
  await server.stop();
});

const contact = async (properties: Record<string, string>) => client.crm.contacts.basicApi.create({ properties, associations: [] });
const live = (id: string) =>
  rawCall(server, token, "GET", `/crm/v3/objects/contacts/${id}?properties=email,firstname&associations=companies`);
const countContacts = async () =>
  (await rawCall(server, token, "POST", "/crm/v3/objects/contacts/search", { limit: 1 })).body!.total as number;

describe("merge with itself (F8)", () => {
  it("is a 400 whatever form the id takes, and the record stays live with its values and associations", async () => {
    const c = await contact({ email: `self-${Date.now()}@x.io`, firstname: "Self" });
    const company = await client.crm.companies.basicApi.create({ properties: { name: "Self Co" }, associations: [] });
    await client.crm.associations.v4.basicApi.createDefault("contacts", c.id, "companies", company.id);
    const before = await live(c.id);

    for (const other of [`0${c.id}`, `00${c.id}`, c.id]) {
      const err = await apiError(client.crm.contacts.basicApi.merge({ primaryObjectId: c.id, objectIdToMerge: other }));
      expect(err.code).toBe(400);
      expect(err.body).toMatchObject({
        status: "error",
        category: "VALIDATION_ERROR",
        errors: [{ code: "MERGE_WITH_SELF", in: "objectIdToMerge" }],
      });
    }
    const swapped = await apiError(client.crm.contacts.basicApi.merge({ primaryObjectId: `0${c.id}`, objectIdToMerge: c.id }));
    expect(swapped.code).toBe(400);
    // Ids that are not record ids are refused as such, before anything is read or written.
    for (const other of [`${c.id} `, `+${c.id}`, ` ${c.id}`, `${c.id}.0`]) {
      const err = await apiError(client.crm.contacts.basicApi.merge({ primaryObjectId: c.id, objectIdToMerge: other }));
      expect(err.code).toBe(400);
      expect(err.body.errors[0]).toMatchObject({ code: "INVALID_OBJECT_ID", in: "objectIdToMerge" });
    }
    const numeric = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/merge", {
      primaryObjectId: Number(c.id),
      objectIdToMerge: `0${c.id}`,
    });
    expect(numeric.status).toBe(400);

    const after = await live(c.id);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(after.body!.archived).toBe(false);
    expect(after.body!.associations.companies.results.map((r: { id: string }) => r.id)).toEqual([company.id]);
  });

  it("still merges two different records named with leading zeros", async () => {
    const keep = await contact({ email: `keep-${Date.now()}@x.io` });
    const drop = await contact({ email: `drop-${Date.now()}@x.io`, firstname: "Dropped" });
    const merged = await client.crm.contacts.basicApi.merge({ primaryObjectId: `0${keep.id}`, objectIdToMerge: `0${drop.id}` });
    expect(merged.id).toBe(keep.id);
    expect(merged.properties.firstname).toBe("Dropped");
    expect((await live(drop.id)).status).toBe(404);
  });
});

describe("duplicate ids in a batch (F9)", () => {
  it("batch update naming one record twice is a 400 naming it, and nothing is written", async () => {
    const email = `dup-${Date.now()}@x.io`;
    const c = await contact({ email, firstname: "Before" });
    for (const inputs of [
      [
        { id: c.id, properties: { firstname: "a" } },
        { id: c.id, properties: { firstname: "b" } },
      ],
      [
        { id: c.id, properties: { firstname: "a" } },
        { id: `0${c.id}`, properties: { firstname: "b" } },
      ],
      [
        { id: c.id, properties: { firstname: "a" } },
        { id: email.toUpperCase(), idProperty: "email", properties: { firstname: "b" } },
      ],
    ]) {
      const err = await apiError(client.crm.contacts.batchApi.update({ inputs }));
      expect(err.code).toBe(400);
      expect(err.body).toMatchObject({
        status: "error",
        category: "VALIDATION_ERROR",
        message: `Duplicate IDs found in batch input: [${c.id}]. IDs must be unique`,
        context: { ids: [c.id] },
      });
    }
    expect((await live(c.id)).body!.properties.firstname).toBe("Before");
    const history = await client.crm.contacts.basicApi.getById(c.id, undefined, ["firstname"]);
    expect(history.propertiesWithHistory!.firstname).toHaveLength(1);
  });

  it("batch upsert naming one record twice is a 400; batch archive and read take duplicates as HubSpot does", async () => {
    const email = `dup-up-${Date.now()}@x.io`;
    const c = await contact({ email, firstname: "Before" });
    const err = await apiError(
      client.crm.contacts.batchApi.upsert({
        inputs: [
          { id: email, idProperty: "email", properties: { firstname: "a" } },
          { id: email.toUpperCase(), idProperty: "email", properties: { firstname: "b" } },
        ],
      }),
    );
    expect(err.code).toBe(400);
    expect(err.body.context).toEqual({ ids: [c.id] });
    const mixed = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/batch/upsert", {
      inputs: [
        { id: c.id, properties: { firstname: "a" } },
        { id: email, idProperty: "email", properties: { firstname: "b" } },
      ],
    });
    expect(mixed.status).toBe(400);
    expect((await live(c.id)).body!.properties.firstname).toBe("Before");

    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: c.id }, { id: `0${c.id}` }],
      properties: ["email"],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.id)).toEqual([c.id]);
    await client.crm.contacts.batchApi.archive({ inputs: [{ id: c.id }, { id: c.id }] });
    expect((await live(c.id)).status).toBe(404);
  });
});

describe("search filters with too many values (F9)", () => {
  const search = (filter: Record<string, unknown>) =>
    rawCall(server, token, "POST", "/crm/v3/objects/contacts/search", { filterGroups: [{ filters: [filter] }] });
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

  it("takes 100 values in an IN filter and refuses 101 or 40,000 with a 400 naming the limit", async () => {
    const ok = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: "email", operator: "IN" as never, values: many(100, (i) => `v${i}@x.io`) }] }],
    });
    expect(ok.total).toBe(0);
    const over = await apiError(
      client.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "email", operator: "IN" as never, values: many(101, (i) => `v${i}@x.io`) }] }],
      }),
    );
    expect(over.code).toBe(400);
    expect(over.body).toMatchObject({ category: "VALIDATION_ERROR", errors: [{ code: "TOO_MANY_FILTER_VALUES" }] });
    expect(over.body.message).toContain("at most 100");
    for (const filter of [
      { propertyName: "email", operator: "IN", values: many(40_000, (i) => `v${i}@x.io`) },
      { propertyName: "email", operator: "NOT_IN", values: many(40_000, (i) => `v${i}@x.io`) },
      { propertyName: "hs_object_id", operator: "IN", values: many(40_000, (i) => String(i + 1)) },
      { propertyName: "associations.company", operator: "IN", values: many(40_000, (i) => String(i + 1)) },
      { propertyName: "firstname", operator: "EQ", value: "x", values: many(70_000, (i) => String(i)) },
    ]) {
      const res = await search(filter);
      expect(res.status, `${filter.propertyName} ${filter.operator}`).toBe(400);
      expect(res.body!.errors[0].code).toBe("TOO_MANY_FILTER_VALUES");
    }
  });

  it("maps an engine's own limit (SQLite's bound variables, PostgreSQL's bind message) to a 400, whatever list reaches it", async () => {
    // A route outside the CRM's caps, on the server's real store, with the server's error handling.
    const probe = Fastify();
    registerErrorHandling(probe, probe.log);
    probe.get("/too-many", async () =>
      server.platform.store.db
        .selectFrom("crm_objects")
        .select("id")
        .where(
          "id",
          "in",
          Array.from({ length: 70_000 }, (_, i) => i + 1),
        )
        .execute(),
    );
    try {
      const res = await probe.inject({ method: "GET", url: "/too-many" });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: "error", category: "VALIDATION_ERROR", errors: [{ code: "TOO_MANY_VALUES" }] });
      // The store still answers afterwards (the PostgreSQL connection was not left broken).
      expect(await countContacts()).toBeGreaterThanOrEqual(0);
    } finally {
      await probe.close();
    }
  });
});

describe("JSON bodies", () => {
  const post = (url: string, body: string) => rawCall(server, token, "POST", url, body);

  it("a null body is a 400, not an empty contact; a non-object body is a 400 too", async () => {
    const before = await countContacts();
    for (const [url, body] of [
      ["/crm/v3/objects/contacts", "null"],
      ["/crm/v3/objects/contacts", "[]"],
      ["/crm/v3/objects/contacts", '"x"'],
      ["/crm/v3/objects/contacts/batch/create", "null"],
      ["/crm/v3/objects/contacts/batch/update", "null"],
      ["/crm/v3/objects/contacts/batch/upsert", "null"],
      ["/crm/v3/objects/contacts/search", "null"],
      ["/crm/v3/objects/contacts/merge", "null"],
      ["/crm/v3/properties/contacts", "null"],
      ["/crm/v3/properties/contacts/groups", "null"],
    ] as const) {
      const res = await post(url, body);
      expect(res.status, `${url} ${body}`).toBe(400);
      expect(res.body!.category).toBe("VALIDATION_ERROR");
    }
    expect((await rawCall(server, token, "PATCH", "/crm/v3/objects/contacts/1", "null")).status).toBe(400);
    expect(await countContacts()).toBe(before);
    // An absent body still reads as empty, as HubSpot's clients rely on.
    const empty = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/search", "");
    expect(empty.status).toBe(200);
  });

  it("refuses __proto__ and constructor.prototype keys anywhere in the body, plainly or \\u-escaped", async () => {
    const before = await countContacts();
    for (const body of [
      '{"__proto__":{"polluted":"yes"},"properties":{"email":"p1@x.io"}}',
      '{"properties":{"email":"p2@x.io","__proto__":{"firstname":"x"}}}',
      '{"properties":{"email":"p3@x.io"},"associations":[{"to":{"id":"1","__proto__":{"x":1}},"types":[]}]}',
      '{"\\u005f_proto__":{"polluted":"yes"},"properties":{"email":"p4@x.io"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"properties":{"email":"p5@x.io"}}',
    ]) {
      const res = await post("/crm/v3/objects/contacts", body);
      expect(res.status, body).toBe(400);
      expect(res.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR", errors: [{ code: "PROTOTYPE_POISONING" }] });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await countContacts()).toBe(before);
    // Ordinary text that merely mentions the words, and \u escapes, are untouched.
    const fine = await post(
      "/crm/v3/objects/contacts",
      '{"properties":{"email":"fine-proto@x.io","firstname":"__proto__ constructor \\u00e9"}}',
    );
    expect(fine.status).toBe(201);
    expect(fine.body!.properties.firstname).toBe("__proto__ constructor é");
  });

  it("parses the git webhook's and the CLI upload's JSON with the same protection", () => {
    expect(parseRequestJson('{"ref":"refs/heads/main","after":"abc"}')).toEqual({ ref: "refs/heads/main", after: "abc" });
    expect(() => parseRequestJson('{"ref":"x","head_commit":{"__proto__":{"id":"0"}}}')).toThrow(/__proto__/);
    expect(() => parseRequestJson("{bad")).toThrow(SyntaxError);
    // The key walk is iterative: a 100,000-deep array with a \u escape (which triggers the walk) parses.
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(() => parseRequestJson(`{"a":"\\u0041","x":${deep}}`)).not.toThrow();
  });
});

describe("definition sizes (F16)", () => {
  const property = (over: Record<string, unknown>) => ({
    name: `p_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
    label: "P",
    type: "enumeration",
    fieldType: "select",
    groupName: "contactinformation",
    ...over,
  });
  const options = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `O${i}`, value: `o${i}` }));

  it("caps options per property at HubSpot's 5,000 and labels at 1,000 characters, with a 400 naming the field", async () => {
    expect((await rawCall(server, token, "POST", "/crm/v3/properties/contacts", property({ options: options(5000) }))).status).toBe(201);
    const tooMany = await rawCall(server, token, "POST", "/crm/v3/properties/contacts", property({ options: options(5001) }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body!.message).toContain("at most 5000 options");
    const longLabel = await rawCall(
      server,
      token,
      "POST",
      "/crm/v3/properties/contacts",
      property({ label: "L".repeat(100_000), options: options(1) }),
    );
    expect(longLabel.status).toBe(400);
    expect(longLabel.body!.errors[0].in).toBe("label");
    const longOption = await rawCall(
      server,
      token,
      "POST",
      "/crm/v3/properties/contacts",
      property({ options: [{ label: "L".repeat(1001), value: "v" }] }),
    );
    expect(longOption.status).toBe(400);
    const made = await rawCall(server, token, "POST", "/crm/v3/properties/contacts", property({ options: options(1) }));
    const patched = await rawCall(server, token, "PATCH", `/crm/v3/properties/contacts/${made.body!.name}`, { options: options(5001) });
    expect(patched.status).toBe(400);
    const group = await rawCall(server, token, "POST", "/crm/v3/properties/contacts/groups", {
      name: "big_group",
      label: "G".repeat(1001),
    });
    expect(group.status).toBe(400);
  });

  it("caps association label lengths (100 KB labels were accepted)", async () => {
    const big = await rawCall(server, token, "POST", "/crm/v4/associations/contacts/companies/labels", {
      label: "L".repeat(100_000),
      name: "big_label",
    });
    expect(big.status).toBe(400);
    const inverse = await rawCall(server, token, "POST", "/crm/v4/associations/contacts/companies/labels", {
      label: "Boss",
      inverseLabel: "I".repeat(1001),
      name: "boss_label",
    });
    expect(inverse.status).toBe(400);
    const longName = await rawCall(server, token, "POST", "/crm/v4/associations/contacts/companies/labels", {
      label: "Boss",
      name: "n".repeat(101),
    });
    expect(longName.status).toBe(400);
    const ok = await client.crm.associations.v4.schema.definitionsApi.create("contacts", "companies", {
      label: "L".repeat(1000),
      name: "long_ok",
    });
    expect(ok.results[0]!.label).toHaveLength(1000);
  });
});
