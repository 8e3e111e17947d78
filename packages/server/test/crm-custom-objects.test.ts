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
