// App objects, app-object associations and app events (issue #21 item 5): the 2025.2 fixture `app-objects` deploys
// a custom object type owned by its app (HubSpot's a<appId>_car, properties a<appId>_*), a default association type
// between cars and contacts, and an event template; the app's own token then works them through the official SDK.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@hubspot/api-client";
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec";
import { revealAppToken } from "../src/apps/app-tokens";
import type { AppEventConfig, AppObjectConfig } from "@sprocket/project-format";
import { provisionApps, type DeployedApp, type DeployedFeature } from "../src/apps/provision";
import { FIXTURES, ProjectApi, deployProjectDir } from "./support/project-api";
import { apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";
import { appClientSecret } from "../src/apps/client-secret";
import { findOAuthApp, grantInstall, issueTokens } from "../src/oauth/oauth-service";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let api: ProjectApi;
let accountId: number;
let appId: number;
let token: string;
let client: Client;
let fqn: string;
let typeId: string;
let carId: string;
let contactId: string;
let templateId: string;
const prop = (name: string) => `a${appId}_${name}`;
const deployFixture = () => deployProjectDir(api, path.join(FIXTURES, "app-objects"));

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  accountId = server.bootstrap.info.accountId;
  await liftLimits(server, accountId);
  await deployFixture();
  const row = await server.platform.store.db
    .selectFrom("private_apps")
    .select("id")
    .where("uid", "=", "garage-app")
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  appId = Number(row.id);
  token = (await revealAppToken(server.platform, appId))!;
  client = new Client({ accessToken: token, basePath: server.url });
  fqn = `a${appId}_car`;
}, 180_000);
afterAll(async () => {
  await server.stop();
});

describe("an app object deployed from a 2025.2 project", () => {
  it("is a custom object type with HubSpot's app object names, labels and display properties", async () => {
    const { client: schemas } = await crmClient(server, accountId, ["crm.schemas.custom.read"]);
    const schema = await schemas.crm.schemas.coreApi.getById(fqn);
    typeId = schema.objectTypeId!;
    expect(typeId).toMatch(/^2-\d+$/);
    expect(schema).toMatchObject({
      fullyQualifiedName: fqn,
      name: fqn,
      labels: { singular: "Garage Car", plural: "Garage Cars" },
      primaryDisplayProperty: prop("model"),
      secondaryDisplayProperties: [prop("make")],
      requiredProperties: [prop("model")],
    });
    expect(schema.properties.map((x) => x.name).sort()).toEqual(["condition", "make", "model", "year"].map(prop));
    expect(schema.properties.find((x) => x.name === prop("condition"))!.options.map((o) => o.value)).toEqual(["new", "used"]);
    expect((await schemas.crm.schemas.coreApi.getById(typeId)).fullyQualifiedName).toBe(fqn);
  });

  it("takes records through the objects API with the app's token, by fully qualified name or type id", async () => {
    const created = await client.crm.objects.basicApi.create(fqn, {
      properties: { [prop("model")]: "Model 3", [prop("make")]: "Tesla", [prop("year")]: "2024", [prop("condition")]: "new" },
      associations: [],
    });
    carId = created.id;
    const read = await client.crm.objects.basicApi.getById(typeId, carId, [prop("model"), prop("year")]);
    expect(read.properties).toMatchObject({ [prop("model")]: "Model 3", [prop("year")]: "2024" });
    const bad = await apiError(
      client.crm.objects.basicApi.create(fqn, { properties: { [prop("condition")]: "wrecked" }, associations: [] }),
    );
    expect(bad.code).toBe(400);
    expect(bad.body.message).toContain("wrecked");
  });

  it("associates cars and contacts through the v4 API with the app's INTEGRATOR_DEFINED type", async () => {
    contactId = (
      await client.crm.contacts.basicApi.create({ properties: { email: "buyer@example.com", firstname: "Bo" }, associations: [] })
    ).id;
    await client.crm.associations.v4.basicApi.createDefault(fqn, carId, "contacts", contactId);
    const fromContact = await client.crm.associations.v4.basicApi.getPage("contacts", contactId, fqn);
    expect(fromContact.results).toHaveLength(1);
    expect(fromContact.results[0]!.toObjectId).toBe(carId);
    expect(fromContact.results[0]!.associationTypes).toEqual([{ category: "INTEGRATOR_DEFINED", typeId: expect.any(Number), label: null }]);
    const definitions = await client.crm.associations.v4.schema.definitionsApi.getAll(fqn, "contacts");
    expect(definitions.results).toEqual([{ category: "INTEGRATOR_DEFINED", typeId: expect.any(Number) }]);
    // The app's type changes only with its deploys, not through the labels API.
    expect(
      (await apiError(client.crm.associations.v4.schema.definitionsApi.remove(fqn, "contacts", definitions.results[0]!.typeId))).code,
    ).toBe(404);

    await client.crm.associations.v4.basicApi.archive(fqn, carId, "contacts", contactId);
    expect((await client.crm.associations.v4.basicApi.getPage("contacts", contactId, fqn)).results).toEqual([]);
    await client.crm.associations.v4.basicApi.create(fqn, carId, "contacts", contactId, [
      { associationCategory: AssociationSpecAssociationCategoryEnum.IntegratorDefined, associationTypeId: definitions.results[0]!.typeId },
    ]);
    expect((await client.crm.associations.v4.basicApi.getPage(fqn, carId, "contacts")).results.map((r) => r.toObjectId)).toEqual([
      contactId,
    ]);
    // The app object's schema lists the app's type (and no USER_DEFINED one from its associatedObjects), and a v3
    // create may name it.
    const { client: schemas } = await crmClient(server, accountId, ["crm.schemas.custom.read"]);
    expect((await schemas.crm.schemas.coreApi.getById(fqn)).associations).toEqual([
      expect.objectContaining({ id: String(definitions.results[0]!.typeId), fromObjectTypeId: typeId, toObjectTypeId: "0-1" }),
    ]);
    const sold = await client.crm.objects.basicApi.create(fqn, {
      properties: { [prop("model")]: "Model Y" },
      associations: [
        {
          to: { id: contactId },
          types: [{ associationCategory: "INTEGRATOR_DEFINED" as never, associationTypeId: definitions.results[0]!.typeId }],
        },
      ],
    });
    expect((await client.crm.associations.v4.basicApi.getPage(fqn, sold.id, "contacts")).results.map((r) => r.toObjectId)).toEqual([
      contactId,
    ]);
    await client.crm.objects.basicApi.archive(fqn, sold.id);
  });
});

describe("an app event deployed from a 2025.2 project", () => {
  it("is an event template the app reads from HubSpot's templates API", async () => {
    const res = await rawCall(server, token, "GET", `/integrators/timeline/v3/${appId}/event-templates`);
    expect(res.status).toBe(200);
    expect(res.body!.results).toEqual([
      expect.objectContaining({ name: "Car serviced", objectType: fqn, headerTemplate: "Serviced at {{mileage}} km" }),
      expect.objectContaining({
        name: "Car sold",
        objectType: "contacts",
        headerTemplate: "Bought a **{{model}}** for {{price}} EUR",
        tokens: [
          expect.objectContaining({ name: "model", type: "string" }),
          expect.objectContaining({ name: "price", type: "number" }),
          expect.objectContaining({ name: "payment", type: "enumeration", options: [expect.any(Object), expect.any(Object)] }),
        ],
      }),
    ]);
    templateId = res.body!.results.find((t: { name: string }) => t.name === "Car sold").id;
    expect((await rawCall(server, token, "GET", `/integrators/timeline/v3/${appId + 1000}/event-templates`)).status).toBe(404);
  });

  it("takes events through the SDK's timeline API, checks their tokens and reads them back", async () => {
    const created = await client.crm.timeline.eventsApi.create({
      id: "sale-1",
      eventTemplateId: templateId,
      objectId: contactId,
      tokens: { model: "Model 3", price: "45000", payment: "card" },
      extraData: { note: "Delivered on Friday" },
    });
    expect(created).toMatchObject({ id: "sale-1", eventTemplateId: templateId, objectId: contactId, objectType: "contacts" });
    const read = await client.crm.timeline.eventsApi.getById(templateId, "sale-1");
    expect(read.tokens).toEqual({ model: "Model 3", price: "45000", payment: "card" });
    expect(read.extraData).toEqual({ note: "Delivered on Friday" });
    expect(
      (await apiError(client.crm.timeline.eventsApi.create({ id: "sale-1", eventTemplateId: templateId, objectId: contactId, tokens: {} })))
        .code,
    ).toBe(409);

    const batch = await rawCall(server, token, "POST", "/integrators/timeline/v3/events/batch/create", {
      inputs: [
        {
          id: "sale-2",
          eventTemplateId: templateId,
          email: "BUYER@example.com",
          tokens: { model: "Model Y", payment: "cash" },
          timestamp: "2026-01-02T03:04:05Z",
        },
        { id: "sale-3", eventTemplateId: templateId, objectId: contactId, tokens: { payment: "cheque" } },
        { id: "sale-4", eventTemplateId: templateId, objectId: contactId, tokens: { colour: "red" } },
      ],
    });
    expect(batch.status).toBe(207);
    expect(batch.body!.results.map((r: { id: string; objectId: string }) => [r.id, r.objectId])).toEqual([["sale-2", contactId]]);
    expect(batch.body!.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringContaining("must be one of card, cash"),
      expect.stringContaining("Token colour is not defined"),
    ]);
  });

  it("shows on the record's timeline, rendered by its template, newest first", async () => {
    const res = await api.call("GET", `/api/v1/timeline?objectTypeId=0-1&objectId=${contactId}`);
    expect(res.status).toBe(200);
    expect(
      res.body.results.map((e: { eventId: string; header: string; detail: string; appName: string }) => [
        e.eventId,
        e.header,
        e.detail,
        e.appName,
      ]),
    ).toEqual([
      ["sale-1", "Bought a **Model 3** for 45000 EUR", "Paid by card. Note: Delivered on Friday", "Garage app"],
      ["sale-2", "Bought a **Model Y** for  EUR", "Paid by cash.", "Garage app"],
    ]);
  });
});

/** The fixture's app as its live build holds it, and that build. */
async function liveApp(): Promise<{ app: DeployedApp; buildId: number }> {
  const live = await server.platform.store.db
    .selectFrom("builds")
    .innerJoin("private_apps", "private_apps.active_build_id", "builds.id")
    .select(["builds.apps", "builds.id"])
    .where("private_apps.id", "=", appId)
    .executeTakeFirstOrThrow();
  return { app: (JSON.parse(live.apps!) as DeployedApp[])[0]!, buildId: Number(live.id) };
}

/** The next version of the project: a new property and another label on the object, another header on the events. */
const nextVersion = (features: DeployedFeature[]) =>
  features.map((f): DeployedFeature => {
    if (f.type === "app-object") {
      const config = f.config as AppObjectConfig;
      return {
        ...f,
        config: { ...config, pluralForm: "Vehicles", properties: [...config.properties, { name: "vin", label: "VIN", type: "string" }] },
      };
    }
    return f.type === "app-event" ? { ...f, config: { ...f.config, headerTemplate: "Sold {{model}}" } } : f;
  });

describe("scopes and redeploys", () => {
  it("refuses a token without the timeline or custom object scopes with 403", async () => {
    const { client: contactsOnly } = await crmClient(server, accountId, ["crm.objects.contacts.read"]);
    const event = await apiError(
      contactsOnly.crm.timeline.eventsApi.create({ eventTemplateId: templateId, objectId: contactId, tokens: {} }),
    );
    expect(event.code).toBe(403);
    expect(event.body.errors[0].context.requiredGranularScopes).toEqual(["timeline"]);
    expect((await apiError(contactsOnly.crm.objects.basicApi.getById(fqn, carId))).code).toBe(403);
  });

  it("keeps records, associations, templates and events through a redeploy, and updates the definitions", async () => {
    // A definition the account adds through the schemas API is the account's: redeploys keep it.
    const { client: schemaWriter } = await crmClient(server, accountId, ["crm.schemas.custom.write"]);
    const added = await schemaWriter.crm.schemas.coreApi.createAssociation(fqn, { fromObjectTypeId: typeId, toObjectTypeId: "0-2" });
    await deployFixture();
    const { app } = await liveApp();
    const features = nextVersion(app.features!);
    const project = await server.platform.store.db
      .selectFrom("private_apps")
      .select(["project_id", "active_build_id"])
      .where("id", "=", appId)
      .executeTakeFirstOrThrow();
    const provision = (next: DeployedFeature[]) =>
      server.platform.store.db.transaction().execute((trx) =>
        provisionApps(trx, server.platform, {
          accountId,
          projectId: project.project_id!,
          buildId: project.active_build_id!,
          apps: [{ ...app, features: next }],
        }),
      );
    // HubSpot's app object names are permanent: a rename fails the deploy and changes nothing.
    const renamed = features.map((f) =>
      f.type === "app-object" ? { ...f, config: { ...(f.config as AppObjectConfig), name: "TRUCK" } } : f,
    );
    await expect(provision(renamed)).rejects.toThrow("app-object 'car-object': its name is CAR since its first deploy and cannot change.");
    const truckEvents = features.map((f) =>
      f.type === "app-event" ? { ...f, config: { ...(f.config as AppEventConfig), objectType: "TRUCK" } } : f,
    );
    await expect(provision(truckEvents)).rejects.toThrow(
      /^app-event 'car-s\w+': objectType "TRUCK" is not an object type events can attach to/,
    );
    const { appObjectTypes } = await provision(features);
    expect(appObjectTypes).toEqual([{ accountId, typeId }]);
    server.platform.crm.types.invalidate(accountId);
    server.platform.crm.properties.invalidate(accountId, typeId);

    const car = await client.crm.objects.basicApi.getById(fqn, carId, [prop("model"), prop("vin")]);
    expect(car.properties).toMatchObject({ [prop("model")]: "Model 3", [prop("vin")]: null });
    const { client: schemas } = await crmClient(server, accountId, ["crm.schemas.custom.read"]);
    const schema = await schemas.crm.schemas.coreApi.getById(fqn);
    expect(schema.objectTypeId).toBe(typeId);
    expect(schema.labels.plural).toBe("Garage Vehicles");
    expect(schema.associations.map((a) => [a.id, a.toObjectTypeId])).toContainEqual([added.id, "0-2"]);
    expect((await client.crm.associations.v4.basicApi.getPage(fqn, carId, "contacts")).results).toHaveLength(1);
    const timeline = await api.call("GET", `/api/v1/timeline?objectTypeId=0-1&objectId=${contactId}`);
    expect(timeline.body.results.map((e: { eventTemplateId: string; header: string }) => [e.eventTemplateId, e.header])[0]).toEqual([
      templateId,
      "Sold Model 3",
    ]);
  });

  it("makes an OAuth app's app objects in each account that installs it, where its events attach to them, and updates them on redeploys", async () => {
    const db = server.platform.store.db;
    const { app, buildId } = await liveApp();
    const redirect = "http://localhost:3000/oauth-callback";
    // The fixture's components in a marketplace OAuth app of the same account (HubSpot's app objects are for those).
    const deployOAuth = (features: DeployedFeature[]) =>
      db.transaction().execute((trx) =>
        provisionApps(trx, server.platform, {
          accountId,
          projectId: 2_000_000,
          buildId,
          apps: [
            {
              ...app,
              uid: "garage-oauth",
              name: "Garage OAuth",
              scopes: [...app.scopes, "oauth"],
              oauth: { distribution: "marketplace", redirectUrls: [redirect] },
              features,
            },
          ],
        }),
      );
    const oauthAppId = (await deployOAuth(app.features!)).appIds["garage-oauth"]!;
    const installer = await createAccount(server.platform, { name: "Installer", admin: { email: "installer@example.com" } });
    await liftLimits(server, installer.accountId);
    const user = await db.selectFrom("users").select("id").where("email", "=", "installer@example.com").executeTakeFirstOrThrow();
    const clientId = (await db.selectFrom("private_apps").select("client_id").where("id", "=", oauthAppId).executeTakeFirstOrThrow())
      .client_id!;
    const checked = (await findOAuthApp(db, clientId))!;
    const actor = { userId: Number(user.id), label: "installer@example.com", address: null };
    const code = await grantInstall(
      server.platform,
      { app: checked, redirectUri: redirect, scopes: checked.requiredScopes },
      installer.accountId,
      actor,
    );
    const { access_token } = await issueTokens(
      server.platform,
      {
        grant_type: "authorization_code",
        client_id: clientId,
        client_secret: await appClientSecret(server.platform, oauthAppId),
        redirect_uri: redirect,
        code,
      },
      null,
    );
    const installed = new Client({ accessToken: access_token, basePath: server.url });
    const carType = `a${oauthAppId}_car`;
    const car = await installed.crm.objects.basicApi.create(carType, {
      properties: { [`a${oauthAppId}_model`]: "Kangoo" },
      associations: [],
    });

    const templates = await rawCall(server, access_token, "GET", `/integrators/timeline/v3/${oauthAppId}/event-templates`);
    const serviced = templates.body!.results.find((t: { name: string }) => t.name === "Car serviced");
    expect(serviced.objectType).toBe(carType);
    const event = await installed.crm.timeline.eventsApi.create({
      eventTemplateId: serviced.id,
      objectId: car.id,
      tokens: { mileage: "120000" },
    });
    expect(event).toMatchObject({ objectId: car.id, objectType: carType });

    const { appObjectTypes } = await deployOAuth(nextVersion(app.features!));
    expect(appObjectTypes.map((t) => t.accountId).sort()).toEqual([accountId, installer.accountId].sort());
    for (const t of appObjectTypes) server.platform.crm.properties.invalidate(t.accountId, t.typeId);
    const withVin = await installed.crm.objects.basicApi.create(carType, {
      properties: { [`a${oauthAppId}_vin`]: "VF1" },
      associations: [],
    });
    expect(withVin.properties[`a${oauthAppId}_vin`]).toBe("VF1");
  });
});
