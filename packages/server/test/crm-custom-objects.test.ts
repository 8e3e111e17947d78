import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { ALL_CRM_SCOPES, apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";

let server: TestServer;
let client: Client;
let token: string;
let accountId: number;

const CUSTOM_SCOPES = ["crm.objects.custom.read", "crm.objects.custom.write", "crm.schemas.custom.read", "crm.schemas.custom.write"];

beforeAll(async () => {
  server = await startTestServer();
  accountId = (await createAccount(server.platform, { name: "Custom objects", admin: { email: `crm-custom-${Date.now()}@example.com` } }))
    .accountId;
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId, [...ALL_CRM_SCOPES, ...CUSTOM_SCOPES]));
});
afterAll(async () => {
  await server.stop();
});

const carSchema = {
  name: "cars",
  labels: { singular: "Car", plural: "Cars" },
  primaryDisplayProperty: "model",
  requiredProperties: ["model"],
  searchableProperties: ["model", "vin"],
  secondaryDisplayProperties: ["vin"],
  properties: [
    { name: "model", label: "Model", type: "string" as const, fieldType: "text" as const },
    { name: "vin", label: "VIN", type: "string" as const, fieldType: "text" as const, hasUniqueValue: true },
    { name: "year", label: "Year", type: "number" as const, fieldType: "number" as const },
  ],
  associatedObjects: ["CONTACT"],
};

describe("custom objects: schemas API and the generic objects API", () => {
  let typeId: string;

  it("creates a schema with HubSpot's ids and names", async () => {
    const schema = await client.crm.schemas.coreApi.create(carSchema as never);
    expect(schema.objectTypeId).toMatch(/^2-\d+$/);
    expect(schema.id).toBe(schema.objectTypeId!.slice(2));
    expect(schema.fullyQualifiedName).toBe(`p${accountId}_cars`);
    expect(schema).toMatchObject({
      name: "cars",
      labels: { singular: "Car", plural: "Cars" },
      primaryDisplayProperty: "model",
      requiredProperties: ["model"],
    });
    expect(schema.properties.map((x) => x.name).sort()).toEqual(["model", "vin", "year"]);
    typeId = schema.objectTypeId!;

    const all = await client.crm.schemas.coreApi.getAll();
    expect(all.results.map((s) => s.objectTypeId)).toEqual([typeId]);
    for (const name of ["p_cars", typeId, `p${accountId}_cars`])
      expect((await client.crm.schemas.coreApi.getById(name)).objectTypeId).toBe(typeId);

    const again = await apiError(client.crm.schemas.coreApi.create(carSchema as never));
    expect(again.code).toBe(409);
  });

  it("creates, reads, updates, lists, searches and archives records as p_<name> and 2-<n>", async () => {
    const car = await client.crm.objects.basicApi.create("p_cars", {
      properties: { model: "Model T", vin: "V1", year: "1908" },
      associations: [],
    });
    expect(car.properties).toMatchObject({ model: "Model T", year: "1908", hs_object_id: car.id });

    const byTypeId = await client.crm.objects.basicApi.getById(typeId, car.id, ["model", "year"]);
    expect(byTypeId.properties).toMatchObject({ model: "Model T", year: "1908" });
    const byDefault = await client.crm.objects.basicApi.getById("p_cars", car.id);
    expect(byDefault.properties).toMatchObject({ model: "Model T", vin: "V1" });
    const byVin = await client.crm.objects.basicApi.getById(`p${accountId}_cars`, "V1", ["model"], undefined, undefined, false, "vin");
    expect(byVin.id).toBe(car.id);

    const updated = await client.crm.objects.basicApi.update(typeId, car.id, { properties: { year: "1909" } });
    expect(updated.properties.year).toBe("1909");
    const page = await client.crm.objects.basicApi.getPage("p_cars", 10, undefined, ["model"]);
    expect(page.results.map((r) => r.id)).toEqual([car.id]);

    const found = await client.crm.objects.searchApi.doSearch("p_cars", {
      query: "model",
      filterGroups: [{ filters: [{ propertyName: "year", operator: "GT" as never, value: "1900" }] }],
      properties: ["model"],
      limit: 10,
      after: "0",
      sorts: [],
    });
    expect(found.results.map((r) => [r.id, r.properties.model])).toEqual([[car.id, "Model T"]]);

    const bad = await apiError(client.crm.objects.basicApi.create("p_cars", { properties: { year: "soon" }, associations: [] }));
    expect(bad.code).toBe(400);

    await client.crm.objects.basicApi.archive("p_cars", car.id);
    expect((await apiError(client.crm.objects.basicApi.getById(typeId, car.id))).code).toBe(404);
  });

  it("serves the properties API on the custom type", async () => {
    const created = await client.crm.properties.coreApi.create("p_cars", {
      name: "colour",
      label: "Colour",
      type: "string" as never,
      fieldType: "text" as never,
      groupName: "custom_object_information",
    });
    expect(created.name).toBe("colour");
    const all = await client.crm.properties.coreApi.getAll(typeId);
    expect(all.results.map((x) => x.name)).toEqual(
      expect.arrayContaining(["model", "vin", "year", "colour", "hs_object_id", "createdate"]),
    );
    expect((await client.crm.properties.coreApi.getByName("p_cars", "vin")).hasUniqueValue).toBe(true);
    const car = await client.crm.objects.basicApi.create("p_cars", { properties: { model: "Beetle", colour: "yellow" }, associations: [] });
    expect(car.properties.colour).toBe("yellow");
  });

  it("serves batch read, create, update, upsert and archive on the custom type", async () => {
    const created = await client.crm.objects.batchApi.create("p_cars", {
      inputs: [
        { properties: { model: "Mini", vin: "B1" }, associations: [] },
        { properties: { model: "Golf", vin: "B2" }, associations: [] },
      ],
    });
    expect(created.status).toBe("COMPLETE");
    const ids = created.results.map((r) => r.id);
    const read = await client.crm.objects.batchApi.read(typeId, {
      inputs: [{ id: "B2" }, { id: "B1" }],
      idProperty: "vin",
      properties: ["model"],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.model).sort()).toEqual(["Golf", "Mini"]);
    const updated = await client.crm.objects.batchApi.update(`p${accountId}_cars`, {
      inputs: [{ id: ids[0]!, properties: { year: "1959" } }],
    });
    expect(updated.results[0]!.properties.year).toBe("1959");
    const upserted = await client.crm.objects.batchApi.upsert("p_cars", {
      inputs: [{ id: "B3", idProperty: "vin", properties: { model: "Polo" } }],
    });
    expect(upserted.results[0]).toMatchObject({ _new: true, properties: { vin: "B3", model: "Polo" } });
    await client.crm.objects.batchApi.archive("p_cars", { inputs: [...ids, upserted.results[0]!.id].map((id) => ({ id })) });
    const gone = await rawCall(server, token, "POST", "/crm/v3/objects/p_cars/batch/read", {
      inputs: ids.map((id) => ({ id })),
      properties: [],
    });
    expect(gone.status).toBe(207);
    expect(gone.body?.errors[0]).toMatchObject({ category: "OBJECT_NOT_FOUND" });
  });

  it("associates custom records with contacts (v3 and v4, both ways) and with another custom type once defined", async () => {
    const contact = await client.crm.contacts.basicApi.create({
      properties: { email: `owner-${Date.now()}@example.com` },
      associations: [],
    });
    const [type] = (await client.crm.associations.v4.schema.definitionsApi.getAll("p_cars", "contacts")).results;
    expect(type).toMatchObject({ category: "USER_DEFINED" });
    const [back] = (await client.crm.associations.v4.schema.definitionsApi.getAll("contacts", typeId)).results;
    expect(back!.typeId).toBe(type!.typeId + 1);
    const schema = await client.crm.schemas.coreApi.getById("p_cars");
    expect(schema.associations).toEqual([
      expect.objectContaining({ id: String(type!.typeId), fromObjectTypeId: typeId, toObjectTypeId: "0-1", name: "cars_to_contact" }),
    ]);

    // v3: a create names the type id only, which says the target is a contact.
    const car = await client.crm.objects.basicApi.create("p_cars", {
      properties: { model: "DS", vin: "A1" },
      associations: [
        { to: { id: contact.id }, types: [{ associationCategory: "USER_DEFINED" as never, associationTypeId: type!.typeId }] },
      ],
    });
    const withContacts = await client.crm.objects.basicApi.getById("p_cars", car.id, ["model"], undefined, ["contacts"]);
    expect(withContacts.associations?.contacts?.results).toEqual([{ id: contact.id, type: "cars_to_contact" }]);
    const fromContact = await client.crm.contacts.basicApi.getById(contact.id, ["email"], undefined, ["p_cars"]);
    expect(fromContact.associations?.p_cars?.results.map((r) => r.id)).toEqual([car.id]);

    // v4, from the contact's side, and batch reads from either side.
    const second = await client.crm.objects.basicApi.create("p_cars", { properties: { model: "2CV", vin: "A2" }, associations: [] });
    await client.crm.associations.v4.basicApi.createDefault("contacts", contact.id, "p_cars", second.id);
    const page = await client.crm.associations.v4.basicApi.getPage(typeId, car.id, "contacts");
    expect(page.results.map((r) => [String(r.toObjectId), r.associationTypes.map((t) => t.typeId)])).toEqual([
      [contact.id, [type!.typeId]],
    ]);
    const batch = await client.crm.associations.v4.batchApi.getPage("contacts", "p_cars", { inputs: [{ id: contact.id }] });
    expect(batch.results[0]!.to.map((t) => String(t.toObjectId)).sort()).toEqual([car.id, second.id].sort());
    await client.crm.associations.v4.batchApi.archive("p_cars", "contacts", {
      inputs: [{ _from: { id: second.id }, to: [{ id: contact.id }] }],
    });
    expect(
      (await client.crm.associations.v4.basicApi.getPage("contacts", contact.id, "p_cars")).results.map((r) => String(r.toObjectId)),
    ).toEqual([car.id]);

    // No definition between cars and deals: HubSpot's 400.
    const deal = await client.crm.deals.basicApi.create({ properties: { dealname: "D" }, associations: [] });
    expect((await apiError(client.crm.associations.v4.basicApi.createDefault("p_cars", car.id, "deals", deal.id))).code).toBe(400);

    // A second custom type, and a definition from cars to it.
    const garages = await client.crm.schemas.coreApi.create({
      name: "garages",
      labels: { singular: "Garage", plural: "Garages" },
      requiredProperties: [],
      properties: [{ name: "title", label: "Title", type: "string" as never, fieldType: "text" as never }],
      associatedObjects: [],
    } as never);
    const def = await client.crm.schemas.coreApi.createAssociation("p_cars", {
      fromObjectTypeId: typeId,
      toObjectTypeId: "p_garages",
      name: "parked_in",
    });
    expect(def).toMatchObject({ fromObjectTypeId: typeId, toObjectTypeId: garages.objectTypeId, name: "parked_in" });
    expect(
      (
        await apiError(
          client.crm.schemas.coreApi.createAssociation("p_cars", {
            fromObjectTypeId: typeId,
            toObjectTypeId: "p_garages",
            name: "parked_in",
          }),
        )
      ).code,
    ).toBe(409);
    const garage = await client.crm.objects.basicApi.create("p_garages", { properties: { title: "Home" }, associations: [] });
    await client.crm.associations.v4.batchApi.create("p_garages", "p_cars", {
      inputs: [
        {
          _from: { id: garage.id },
          to: { id: car.id },
          types: [{ associationCategory: "USER_DEFINED" as never, associationTypeId: Number(def.id) + 1 }],
        },
      ],
    });
    const parked = await client.crm.associations.v4.basicApi.getPage("p_cars", car.id, "p_garages");
    expect(parked.results).toEqual([
      { toObjectId: garage.id, associationTypes: [{ category: "USER_DEFINED", typeId: Number(def.id), label: null }] },
    ]);
  });

  it("keeps a custom type to its account", async () => {
    const other = (await createAccount(server.platform, { name: "Other", admin: { email: `crm-custom-other-${Date.now()}@example.com` } }))
      .accountId;
    const { client: otherClient, token: otherToken } = await crmClient(server, other, [...ALL_CRM_SCOPES, ...CUSTOM_SCOPES]);
    expect((await otherClient.crm.schemas.coreApi.getAll()).results).toEqual([]);
    for (const name of ["p_cars", typeId]) {
      const res = await rawCall(server, otherToken, "GET", `/crm/v3/objects/${name}`);
      expect(res.status).toBe(400);
      expect(res.body?.message).toBe(`Unable to infer object type from: ${name}`);
    }
    expect((await apiError(otherClient.crm.schemas.coreApi.getById("p_cars"))).code).toBe(404);
  });

  it("answers HubSpot's 403 without the custom object or schema scopes", async () => {
    const { token: narrow } = await crmClient(server, accountId, ["crm.objects.contacts.read"]);
    const list = await rawCall(server, narrow, "GET", "/crm/v3/objects/p_cars");
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({
      category: "MISSING_SCOPES",
      errors: [{ context: { requiredGranularScopes: ["crm.objects.custom.read"] } }],
    });
    const write = await rawCall(
      server,
      (await crmClient(server, accountId, ["crm.objects.custom.read"])).token,
      "POST",
      "/crm/v3/objects/p_cars",
      { properties: { model: "X" } },
    );
    expect(write.status).toBe(403);
    const schemas = await rawCall(server, narrow, "POST", "/crm/v3/schemas", carSchema);
    expect(schemas.status).toBe(403);
    expect((await rawCall(server, token, "GET", "/crm/v3/objects/p_boats")).status).toBe(400);
  });
});
