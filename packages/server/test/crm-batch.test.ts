import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";

let server: TestServer;
let client: Client;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const { accountId } = await createAccount(server.platform, {
    name: "CRM batch",
    admin: { email: `crm-batch-${Date.now()}@example.com` },
  });
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId));
});
afterAll(async () => {
  await server.stop();
});

const contacts = (emails: string[]) => ({ inputs: emails.map((email) => ({ properties: { email }, associations: [] })) });

describe("batch API", () => {
  it("creates (201), reads with 207 for missing ids, updates, upserts and archives (204)", async () => {
    const created = await client.crm.contacts.batchApi.create(contacts(["b1@x.io", "b2@x.io"]));
    expect(created.status).toBe("COMPLETE");
    const [a, b] = created.results.map((r) => r.id).sort();

    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: a! }, { id: "999999999" }],
      properties: ["email"],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.id)).toEqual([a]);
    expect((read as unknown as { numErrors: number }).numErrors).toBe(1);
    expect((read as unknown as { errors: Array<{ category: string; context: { ids: string[] } }> }).errors[0]).toMatchObject({
      category: "OBJECT_NOT_FOUND",
      context: { ids: ["999999999"] },
    });

    const byEmail = await client.crm.contacts.batchApi.read({
      inputs: [{ id: "B2@x.io" }],
      idProperty: "email",
      properties: ["email"],
      propertiesWithHistory: [],
    });
    expect(byEmail.results[0]!.id).toBe(b);

    const updated = await client.crm.contacts.batchApi.update({
      inputs: [
        { id: a!, properties: { firstname: "A" } },
        { id: "123456789", properties: { firstname: "?" } },
      ],
    });
    expect(updated.results[0]!.properties.firstname).toBe("A");
    expect((updated as unknown as { errors: unknown[] }).errors).toHaveLength(1);

    const upserted = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: "b1@x.io", idProperty: "email", properties: { lastname: "One" } },
        { id: "b3@x.io", idProperty: "email", properties: { lastname: "Three" } },
      ],
    });
    const byNew = Object.fromEntries(upserted.results.map((r) => [r.properties.email, r._new]));
    expect(byNew).toEqual({ "b1@x.io": false, "b3@x.io": true });

    await client.crm.contacts.batchApi.archive({ inputs: [{ id: a! }, { id: b! }, { id: "42" }] });
    const after = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/batch/read", { inputs: [{ id: a }], properties: [] });
    expect(after.status).toBe(207);
  });

  it("rejects a whole batch with invalid values (400, nothing written) unless inputs carry objectWriteTraceId (207)", async () => {
    const bad = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/batch/create", contacts(["ok@x.io", "broken"]));
    expect(bad.status).toBe(400);
    expect(bad.body!.errors[0]).toMatchObject({ code: "INVALID_EMAIL", in: "email" });
    const none = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value: "ok@x.io" }] }],
    });
    expect(none.body!.total).toBe(0);

    const traced = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/batch/create", {
      inputs: [
        { properties: { email: "ok@x.io" }, objectWriteTraceId: "t1" },
        { properties: { email: "broken" }, objectWriteTraceId: "t2" },
      ],
    });
    expect(traced.status).toBe(207);
    expect(traced.body!.results).toHaveLength(1);
    expect(traced.body!.errors[0]).toMatchObject({
      status: "error",
      category: "VALIDATION_ERROR",
      context: { objectWriteTraceId: ["t2"] },
    });

    const tooMany = await rawCall(
      server,
      token,
      "POST",
      "/crm/v3/objects/contacts/batch/create",
      contacts(Array.from({ length: 101 }, (_, i) => `m${i}@x.io`)),
    );
    expect(tooMany.status).toBe(400);
    const dup = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/batch/create", contacts(["ok@x.io"]));
    expect(dup.status).toBe(409);
  });

  it("merges contacts and GDPR-deletes by email", async () => {
    const [p1, p2] = (
      await client.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: "keep@x.io", firstname: "Keep" }, associations: [] },
          { properties: { email: "gone@x.io", phone: "123" }, associations: [] },
        ],
      })
    ).results
      .map((r) => r.id)
      .sort();
    const merged = await client.crm.contacts.basicApi.merge({ primaryObjectId: p1!, objectIdToMerge: p2! });
    expect(merged.id).toBe(p1);
    expect(merged.properties).toMatchObject({ email: "keep@x.io", firstname: "Keep", phone: "123" });
    expect((await rawCall(server, token, "GET", `/crm/v3/objects/contacts/${p2}`)).status).toBe(404);

    await client.crm.contacts.basicApi.purge({ objectId: "keep@x.io", idProperty: "email" });
    expect((await rawCall(server, token, "GET", `/crm/v3/objects/contacts/${p1}?archived=true`)).status).toBe(404);
    const again = await rawCall(server, token, "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: p1 });
    expect(again.status).toBe(404);
  });
});

describe("v4 associations", () => {
  it("creates with types and labels, reads pages, defaults, batches and archives", async () => {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "assoc@x.io" }, associations: [] });
    const company = await client.crm.companies.basicApi.create({ properties: { name: "Assoc Inc" }, associations: [] });
    const labels = await client.crm.associations.v4.basicApi.create("contacts", contact.id, "companies", company.id, [
      { associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 1 },
    ]);
    expect(labels).toMatchObject({
      fromObjectTypeId: "0-1",
      fromObjectId: contact.id,
      toObjectTypeId: "0-2",
      toObjectId: company.id,
      labels: ["Primary"],
    });

    const page = await client.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies");
    expect(page.results[0]!.toObjectId).toBe(company.id);
    expect(page.results[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([1, 279]);
    const back = await client.crm.associations.v4.basicApi.getPage("companies", company.id, "contacts");
    expect(back.results[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([2, 280]);

    const v3 = await client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ["companies"]);
    expect(v3.associations?.companies?.results.map((r) => r.type).sort()).toEqual(["contact_to_company", "contact_to_company_unlabeled"]);

    const deal = await client.crm.deals.basicApi.create({
      properties: { dealname: "D" },
      associations: [{ to: { id: contact.id }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 3 }] }],
    });
    expect((await client.crm.associations.v4.basicApi.getPage("deals", deal.id, "contacts")).results.map((r) => r.toObjectId)).toEqual([
      contact.id,
    ]);

    const dflt = await client.crm.associations.v4.basicApi.createDefault("deals", deal.id, "companies", company.id);
    expect(dflt.results[0]!.associationSpec.associationTypeId).toBe(341);

    const label = await client.crm.associations.v4.schema.definitionsApi.create("contacts", "companies", {
      label: "Manager",
      name: "manager",
      inverseLabel: "Managed company",
    });
    const typeId = label.results.find((r) => r.label === "Manager")!.typeId;
    const all = await client.crm.associations.v4.schema.definitionsApi.getAll("contacts", "companies");
    expect(all.results.map((r) => r.typeId)).toEqual(expect.arrayContaining([1, 279, typeId]));
    await client.crm.associations.v4.schema.definitionsApi.update("contacts", "companies", { associationTypeId: typeId, label: "Boss" });

    const other = await client.crm.companies.basicApi.create({ properties: { name: "Other" }, associations: [] });
    const batch = await client.crm.associations.v4.batchApi.create("contacts", "companies", {
      inputs: [
        {
          _from: { id: contact.id },
          to: { id: other.id },
          types: [{ associationCategory: "USER_DEFINED" as never, associationTypeId: typeId }],
        },
      ],
    } as never);
    expect(batch.results[0]!.labels).toEqual(["Boss"]);
    const read = await client.crm.associations.v4.batchApi.getPage("contacts", "companies", { inputs: [{ id: contact.id }] });
    expect(read.results[0]!.to.map((t) => t.toObjectId).sort()).toEqual([company.id, other.id].sort());

    await client.crm.associations.v4.batchApi.archiveLabels("contacts", "companies", {
      inputs: [
        {
          _from: { id: contact.id },
          to: { id: other.id },
          types: [{ associationCategory: "USER_DEFINED" as never, associationTypeId: typeId }],
        },
      ],
    } as never);
    const afterLabels = await client.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies");
    expect(afterLabels.results.find((r) => r.toObjectId === other.id)!.associationTypes.map((t) => t.typeId)).toEqual([279]);
    await client.crm.associations.v4.batchApi.archive("contacts", "companies", {
      inputs: [{ _from: { id: contact.id }, to: [{ id: other.id }] }],
    } as never);
    await client.crm.associations.v4.basicApi.archive("contacts", contact.id, "companies", company.id);
    expect((await client.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies")).results).toEqual([]);
    await client.crm.associations.v4.schema.definitionsApi.remove("contacts", "companies", typeId);

    const wrongType = await rawCall(server, token, "PUT", `/crm/v4/objects/contacts/${contact.id}/associations/companies/${company.id}`, [
      { associationCategory: "HUBSPOT_DEFINED", associationTypeId: 5 },
    ]);
    expect(wrongType.status).toBe(400);
    const missing = await rawCall(server, token, "PUT", `/crm/v4/objects/contacts/${contact.id}/associations/companies/99999999`, [
      { associationCategory: "HUBSPOT_DEFINED", associationTypeId: 1 },
    ]);
    expect(missing.status).toBe(404);
  });
});

describe("properties and owners", () => {
  it("manages groups and custom properties, including an enumeration and a unique property used as idProperty", async () => {
    const group = await client.crm.properties.groupsApi.create("contacts", { name: "loyalty", label: "Loyalty" });
    expect(group).toMatchObject({ name: "loyalty", archived: false });
    expect((await client.crm.properties.groupsApi.getAll("contacts")).results.map((g) => g.name)).toContain("loyalty");
    await client.crm.properties.groupsApi.update("contacts", "loyalty", { label: "Loyalty programme" });
    expect((await client.crm.properties.groupsApi.getByName("contacts", "loyalty")).label).toBe("Loyalty programme");

    const tier = await client.crm.properties.coreApi.create("contacts", {
      name: "tier",
      label: "Tier",
      type: "enumeration" as never,
      fieldType: "select" as never,
      groupName: "loyalty",
      options: [
        { label: "Gold", value: "gold", displayOrder: 0, hidden: false },
        { label: "Silver", value: "silver", displayOrder: 1, hidden: false },
      ],
    });
    expect(tier).toMatchObject({ name: "tier", hubspotDefined: false, type: "enumeration" });
    await client.crm.properties.coreApi.create("contacts", {
      name: "member_no",
      label: "Member number",
      type: "string" as never,
      fieldType: "text" as never,
      groupName: "loyalty",
      hasUniqueValue: true,
    });
    const dupProp = await rawCall(server, token, "POST", "/crm/v3/properties/contacts", {
      name: "tier",
      label: "Tier",
      type: "string",
      fieldType: "text",
      groupName: "loyalty",
    });
    expect(dupProp.status).toBe(409);
    const badProp = await rawCall(server, token, "POST", "/crm/v3/properties/contacts", {
      name: "Bad Name",
      label: "x",
      type: "string",
      fieldType: "select",
      groupName: "nope",
    });
    expect(badProp.status).toBe(400);

    const c = await client.crm.contacts.basicApi.create({
      properties: { email: "member@x.io", tier: "gold", member_no: "M-1" },
      associations: [],
    });
    expect((await client.crm.contacts.basicApi.getById("M-1", ["tier"], undefined, undefined, false, "member_no")).id).toBe(c.id);
    const badOption = await rawCall(server, token, "PATCH", `/crm/v3/objects/contacts/${c.id}`, { properties: { tier: "bronze" } });
    expect(badOption.body!.errors[0].code).toBe("INVALID_OPTION");
    const notUnique = await rawCall(server, token, "GET", `/crm/v3/objects/contacts/Ann?idProperty=firstname`);
    expect(notUnique.status).toBe(400);

    const updated = await client.crm.properties.coreApi.update("contacts", "tier", { label: "Loyalty tier" });
    expect(updated.label).toBe("Loyalty tier");
    const batchRead = await client.crm.properties.batchApi.read("contacts", {
      archived: false,
      inputs: [{ name: "tier" }, { name: "email" }],
    });
    expect(batchRead.results.map((p) => p.name).sort()).toEqual(["email", "tier"]);
    const batchCreate = await client.crm.properties.batchApi.create("contacts", {
      inputs: [{ name: "nps", label: "NPS", type: "number" as never, fieldType: "number" as never, groupName: "loyalty" }],
    });
    expect(batchCreate.results[0]!.name).toBe("nps");
    await client.crm.properties.batchApi.archive("contacts", { inputs: [{ name: "nps" }] });
    await client.crm.properties.coreApi.archive("contacts", "tier");
    expect((await client.crm.properties.coreApi.getByName("contacts", "tier", true)).archived).toBe(true);
    expect((await rawCall(server, token, "GET", "/crm/v3/properties/contacts/tier")).status).toBe(404);
    expect((await rawCall(server, token, "DELETE", "/crm/v3/properties/contacts/email")).status).toBe(400);
    const core = await client.crm.properties.coreApi.getAll("companies");
    expect(core.results.find((p) => p.name === "industry")).toMatchObject({ type: "enumeration", hubspotDefined: true });
  });

  it("lists the demo account's owners at /crm/v3/owners/ and /crm/v3/owners, and gets one by id or userId", async () => {
    const { client: demo } = await crmClient(server, server.bootstrap.info.accountId);
    const page = await demo.crm.owners.ownersApi.getPage(undefined, undefined, 2);
    expect(page.results).toHaveLength(2);
    expect(page.paging?.next?.after).toBeTruthy();
    const all = await rawCall(server, (await crmClient(server, server.bootstrap.info.accountId)).token, "GET", "/crm/v3/owners");
    expect(all.body!.results.length).toBeGreaterThan(2);
    const first = page.results[0]!;
    expect((await demo.crm.owners.ownersApi.getById(Number(first.id))).email).toBe(first.email);
    expect((await demo.crm.owners.ownersApi.getById(first.userId!, "userId")).id).toBe(first.id);
    expect((await demo.crm.owners.ownersApi.getPage(first.email)).results.map((o) => o.id)).toEqual([first.id]);
  });

  it("seeds the demo account with contacts, companies, deals and tickets, linked together", async () => {
    const { client: demo } = await crmClient(server, server.bootstrap.info.accountId);
    const count = async (type: string) =>
      (await demo.crm.objects.searchApi.doSearch(type, { filterGroups: [], sorts: [], properties: [], limit: 1, after: "0" } as never))
        .total;
    expect({
      contacts: await count("contacts"),
      companies: await count("companies"),
      deals: await count("deals"),
      tickets: await count("tickets"),
    }).toEqual({ contacts: 200, companies: 50, deals: 80, tickets: 40 });
    const someContact = (await demo.crm.contacts.basicApi.getPage(1, undefined, undefined, undefined, ["companies"])).results[0]!;
    expect(someContact.associations?.companies?.results.length).toBeGreaterThan(0);
  });
});
