// Workflow actions (issue #21): a deployed workflow-action component is registered and listed; "Test action" (route and
// CLI binary) calls its actionUrl with HubSpot's execution payload, signed (v3) with the app's client secret; and a
// workflow enrolled on contact creation writes the action's outputFields back to the contact, retrying a 5xx, without
// enrolling the record again on its own write-back.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmEvent } from "../src/crm/crm-events";
import { appClientSecret } from "../src/apps/client-secret";
import { enrols } from "../src/workflows/workflow-runner";
import { findAction, registerWorkflowActions } from "../src/workflows/action-registry";
import { callActionUrl } from "../src/workflows/action-call";
import { objectTypeById } from "../src/crm/object-types";
import { getObject } from "../src/crm/object-store";
import { runCli } from "../../cli/test/run-cli";
import { crmClient, liftLimits } from "./support/crm-client";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";
import { ActionReceiver, deployWorkflowActionApp } from "./support/action-receiver";

let server: TestServer;
let receiver: ActionReceiver;
let client: Client;
let api: ProjectApi;
let accountId: number;
let actionId: number;
const APP = "workflow-action-app";

beforeAll(async () => {
  // The receiver is on loopback, which the operator setting allows; retries wait 20 ms instead of minutes.
  server = await startTestServer({
    demoCrm: false,
    env: { SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", SPROCKET_WEBHOOK_RETRY_DELAYS_MS: "20,20" },
  });
  receiver = new ActionReceiver();
  await receiver.listen();
  ({ accountId } = server.bootstrap.info);
  await liftLimits(server, accountId);
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployWorkflowActionApp(api, `${receiver.origin}/hubspot/enrich?key=abc`);
  const app = await server.platform.store.db.selectFrom("private_apps").select("id").where("uid", "=", APP).executeTakeFirstOrThrow();
  receiver.clientSecret = await appClientSecret(server.platform, Number(app.id));
  ({ client } = await crmClient(server, accountId));
}, 180_000);
afterAll(async () => {
  await receiver.close();
  await server.stop();
});

const newContact = (email: string, firstname = "Ada") =>
  client.crm.contacts.basicApi.create({ properties: { email, firstname }, associations: [] });
const calls = async (query = "") =>
  (await api.call("GET", `/api/v1/private-apps/${APP}/logs/workflow-actions${query}`)).body.results as any[];

describe("workflow actions", () => {
  it("registers the deployed action with its fields, on the app and across the account", async () => {
    const res = await api.call("GET", `/api/v1/private-apps/${APP}/workflow-actions`);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({
        uid: "enrich-contact",
        appUid: APP,
        version: 1,
        name: "Enrich contact",
        description: "Looks the contact up and sets its job title.",
        actionUrl: `${receiver.origin}/hubspot/enrich?key=abc`,
        objectTypes: ["CONTACT"],
        outputFields: [{ name: "jobtitle", type: "string" }],
        requestProperties: ["email", "firstname"],
      }),
    ]);
    expect(res.body.results[0].inputFields.map((f: any) => [f.name, f.isRequired, f.supportedValueTypes])).toEqual([
      ["greeting", true, ["STATIC_VALUE"]],
      ["contactEmail", false, ["OBJECT_PROPERTY", "STATIC_VALUE"]],
      ["tier", false, ["STATIC_VALUE"]],
    ]);
    actionId = res.body.results[0].id;
    const all = await api.call("GET", "/api/v1/workflow-actions");
    expect(all.body.results.map((a: any) => a.id)).toEqual([actionId]);
  });

  it("tests the action on a record: HubSpot's payload, signed, and the answer's output fields; nothing written", async () => {
    const contact = await newContact("test-action@example.com");
    const res = await api.call("POST", `/api/v1/private-apps/${APP}/workflow-actions/enrich-contact/test`, {
      body: { objectType: "contacts", objectId: contact.id, inputFields: { greeting: "Hello", tier: "gold" } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: "succeeded",
      status: 200,
      workflowId: null,
      outputFields: { jobtitle: "Hello" },
      written: null,
    });
    expect(res.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    const [got] = receiver.of(contact.id);
    expect(got!.signatureValid).toBe(true);
    expect(got!.url).toBe("/hubspot/enrich?key=abc");
    expect(got!.headers["x-hubspot-signature-version"]).toBe("v3");
    expect(got!.payload).toEqual({
      callbackId: expect.stringMatching(/^ap-/),
      origin: {
        portalId: accountId,
        actionDefinitionId: actionId,
        actionDefinitionVersion: 1,
        extensionDefinitionId: actionId,
        extensionDefinitionVersionId: 1,
      },
      context: { source: "WORKFLOWS", workflowId: 0 },
      object: { objectId: Number(contact.id), objectType: "CONTACT", properties: { email: "test-action@example.com", firstname: "Ada" } },
      fields: { greeting: "Hello", tier: "gold" },
      inputFields: { greeting: "Hello", tier: "gold" },
    });
    expect(res.body.request).toEqual(got!.payload);
    const after = await client.crm.contacts.basicApi.getById(contact.id, ["jobtitle"]);
    expect(after.properties.jobtitle ?? null).toBeNull();
  });

  it("refuses a test with inputs the action does not take, or a record that does not exist, saying which", async () => {
    const contact = await newContact("bad-test@example.com");
    const path = `/api/v1/private-apps/${APP}/workflow-actions/enrich-contact/test`;
    const wrong = await api.call("POST", path, {
      body: { objectType: "contacts", objectId: contact.id, inputFields: { greting: "x", tier: "bronze" } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('"greting" is not an input field of enrich-contact (it has greeting, contactEmail, tier)');
    expect(wrong.body.message).toContain('"tier" must be one of gold, silver, not "bronze"');
    expect(wrong.body.message).toContain('"greeting" is required');
    const missing = await api.call("POST", path, {
      body: { objectType: "contacts", objectId: "999999999", inputFields: { greeting: "x" } },
    });
    expect(missing.status).toBe(404);
    const noAction = await api.call("POST", `/api/v1/private-apps/${APP}/workflow-actions/nope/test`, {
      body: { objectType: "contacts", objectId: contact.id },
    });
    expect(noAction.status).toBe(404);
    expect(noAction.body.message).toContain('no deployed workflow action "nope"');
    expect(receiver.of(contact.id)).toEqual([]);
  });

  it("runs a workflow on contact creation: the output field is written back to the contact, logged with a trace id", async () => {
    const created = await api.call("POST", "/api/v1/workflows", {
      body: {
        name: "Enrich new contacts",
        objectType: "contacts",
        trigger: { type: "RECORD_CREATED" },
        actionId,
        inputFields: {
          greeting: { type: "STATIC_VALUE", value: "Welcome" },
          contactEmail: { type: "OBJECT_PROPERTY", propertyName: "email" },
        },
      },
    });
    expect(created.status).toBe(201);
    const workflowId = created.body.id as number;
    try {
      expect(created.body).toMatchObject({ objectTypeId: "0-1", actionUid: "enrich-contact", actionName: "Enrich contact" });
      const contact = await newContact("grace@example.com", "Grace");
      await vi.waitFor(
        async () =>
          expect((await client.crm.contacts.basicApi.getById(contact.id, ["jobtitle"])).properties.jobtitle).toBe(
            "Welcome grace@example.com",
          ),
        { timeout: 10_000, interval: 20 },
      );
      const [got] = receiver.of(contact.id);
      expect(got!.signatureValid).toBe(true);
      expect(got!.payload.context).toEqual({ source: "WORKFLOWS", workflowId });
      expect(got!.payload.inputFields).toEqual({ greeting: "Welcome", contactEmail: "grace@example.com" });
      // The write went through the CRM's write path: its history names the workflow.
      const history = await client.crm.contacts.basicApi.getById(contact.id, ["jobtitle"], ["jobtitle"]);
      expect(history.propertiesWithHistory!.jobtitle![0]).toMatchObject({
        sourceType: "AUTOMATION_PLATFORM",
        sourceId: `workflow:${workflowId}`,
      });
      const [row] = await calls(`?workflowId=${workflowId}`);
      expect(row).toMatchObject({
        outcome: "succeeded",
        attempt: 1,
        objectId: Number(contact.id),
        written: { jobtitle: "Welcome grace@example.com" },
      });
      expect(row.traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await api.call("DELETE", `/api/v1/workflows/${workflowId}`);
    }
  });

  it("retries a 5xx in the same trace, and its own write-back does not enrol the record again", async () => {
    const created = await api.call("POST", "/api/v1/workflows", {
      body: {
        name: "Re-title on job title change",
        objectType: "contacts",
        trigger: { type: "PROPERTY_CHANGED", propertyName: "jobtitle" },
        actionId,
        inputFields: { greeting: { type: "STATIC_VALUE", value: "Checked" } },
      },
    });
    const workflowId = created.body.id as number;
    const writeBacks: CrmEvent[] = [];
    const stop = server.platform.crm.events.subscribe((events) =>
      writeBacks.push(...events.filter((e) => e.kind === "propertyChange" && e.sourceId === `workflow:${workflowId}`)),
    );
    try {
      const contact = await newContact("loop@example.com");
      receiver.answers.push(503);
      await client.crm.contacts.basicApi.update(contact.id, { properties: { jobtitle: "Engineer" } });
      await vi.waitFor(async () => expect(await calls(`?workflowId=${workflowId}`)).toHaveLength(2), { timeout: 10_000, interval: 20 });
      const [second, first] = await calls(`?workflowId=${workflowId}`);
      expect(first).toMatchObject({ attempt: 1, outcome: "retrying", status: 503 });
      expect(second).toMatchObject({ attempt: 2, outcome: "succeeded", written: { jobtitle: "Checked" } });
      expect(second.traceId).toBe(first.traceId);
      expect(second.callbackId).toBe(first.callbackId);
      // The write-back changed jobtitle, the workflow's own trigger: the guard keeps that event from enrolling it.
      expect(writeBacks).toHaveLength(1);
      const live = { id: workflowId, objectTypeId: "0-1", trigger: { type: "PROPERTY_CHANGED" as const, propertyName: "jobtitle" } };
      expect(enrols(live, writeBacks[0]!)).toBe(false);
      // A person's next change enrols it again: two more calls, and no third from a loop by then.
      await client.crm.contacts.basicApi.update(contact.id, { properties: { jobtitle: "Manager" } });
      await vi.waitFor(
        async () => expect((await calls(`?workflowId=${workflowId}`)).filter((c) => c.outcome === "succeeded")).toHaveLength(2),
        { timeout: 10_000 },
      );
      expect(receiver.of(contact.id)).toHaveLength(3);
    } finally {
      stop();
      await api.call("DELETE", `/api/v1/workflows/${workflowId}`);
    }
  });

  it("refuses a workflow whose trigger property, inputs or object type do not fit the action", async () => {
    const res = await api.call("POST", "/api/v1/workflows", {
      body: {
        name: "Bad",
        objectType: "contacts",
        trigger: { type: "PROPERTY_CHANGED", propertyName: "no_such_property" },
        actionId,
        inputFields: {},
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('The trigger\'s property "no_such_property" is not a property of contacts.');
    const inputs = await api.call("POST", "/api/v1/workflows", {
      body: {
        name: "Bad",
        objectType: "contacts",
        trigger: { type: "RECORD_CREATED" },
        actionId,
        inputFields: {
          greeting: { type: "OBJECT_PROPERTY", propertyName: "email" },
          contactEmail: { type: "OBJECT_PROPERTY", propertyName: "nope" },
        },
      },
    });
    expect(inputs.status).toBe(400);
    expect(inputs.body.message).toContain('"greeting" takes STATIC_VALUE, not OBJECT_PROPERTY');
    expect(inputs.body.message).toContain('"contactEmail" maps property "nope", which contacts do not have');
    const type = await api.call("POST", "/api/v1/workflows", {
      body: {
        name: "Bad",
        objectType: "companies",
        trigger: { type: "RECORD_CREATED" },
        actionId,
        inputFields: { greeting: { type: "STATIC_VALUE", value: "x" } },
      },
    });
    expect(type.status).toBe(400);
    expect(type.body.message).toBe("Workflow action enrich-contact is for CONTACT records, not companies.");
    expect((await api.call("GET", "/api/v1/workflows")).body.results).toEqual([]);
  });

  it("refuses an actionUrl on a private address without the operator's setting, naming it, and does not retry", async () => {
    const contact = await newContact("private-action@example.com");
    const p = server.platform;
    // This node allows private networks for its receiver; the same platform without the setting, as by default.
    const strict = { ...p, config: { ...p.config, webhooks: { ...p.config.webhooks, allowPrivateNetwork: false } } };
    const action = await findAction(p.store.db, accountId, { id: actionId });
    const config = JSON.parse(action.config);
    // https, so what is refused is the address, not the scheme.
    const onLoopback = {
      ...action,
      config: JSON.stringify({ ...config, actionUrl: `${receiver.origin.replace("http:", "https:")}/enrich` }),
    };
    const t = objectTypeById("0-1");
    const answer = await callActionUrl(strict, {
      action: onLoopback,
      accountId,
      workflowId: null,
      objectType: t,
      record: (await getObject(p.store.db, accountId, t, Number(contact.id), false))!,
      inputFields: { greeting: "x" },
      callbackId: "ap-test",
      attempt: 1,
      traceId: "0".repeat(32),
    });
    expect(answer).toMatchObject({ status: null, retryable: false, outputFields: null });
    expect(answer.error).toMatch(
      /127\.0\.0\.1 is a loopback address: A workflow action calls public addresses only\. .*SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK/,
    );
    expect(receiver.of(contact.id)).toEqual([]);
  });

  // The CLI is a client of the store the suites above hold on both engines: its check runs on the embedded one only.
  it.runIf(process.env.SPROCKET_TEST_DB !== "postgres")(
    "the CLI lists the actions, tests one on a record and creates a workflow",
    async () => {
      // Signed in as `sprocket auth` leaves it, without a process start for it.
      const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-")), "config.yml");
      const { personalAccessKey } = server.bootstrap.info;
      fs.writeFileSync(
        config,
        JSON.stringify({ accounts: [{ name: "test", accountId, server: server.url, authType: "personalaccesskey", personalAccessKey }] }),
      );
      const env = { SPROCKET_CONFIG_PATH: config };
      const contact = await newContact("cli@example.com");
      // Each run of the binary is a process start; they run side by side.
      const [list, test, made] = await Promise.all([
        runCli(["apps", "actions", "list", APP], env),
        runCli(["apps", "actions", "test", APP, "enrich-contact", "--record", `contacts/${contact.id}`, "--input", "greeting=Hi"], env),
        runCli(
          [
            ...[
              "workflows",
              "create",
              "--name",
              "CLI flow",
              "--object",
              "contacts",
              "--on",
              "created",
              "--action",
              `${APP}/enrich-contact`,
            ],
            ...["--input", "greeting=Yo", "--input-property", "contactEmail=email", "--json"],
          ],
          env,
        ),
      ]);
      expect(list.stdout).toContain("enrich-contact");
      expect(list.stdout).toContain("Enrich contact");
      expect(test.code).toBe(0);
      expect(test.stdout).toMatch(/^200 in \d+ ms · trace [0-9a-f]{32}\n/);
      expect(test.stdout).toContain('"jobtitle": "Hi"');
      expect(receiver.of(contact.id)[0]!.signatureValid).toBe(true);
      expect(made.code).toBe(0);
      const workflow = JSON.parse(made.stdout);
      expect(workflow).toMatchObject({
        name: "CLI flow",
        trigger: { type: "RECORD_CREATED" },
        inputFields: { greeting: { type: "STATIC_VALUE", value: "Yo" }, contactEmail: { type: "OBJECT_PROPERTY", propertyName: "email" } },
      });
      expect((await api.call("DELETE", `/api/v1/workflows/${workflow.id}`)).status).toBe(204);
    },
  );

  it("keeps the action's id across deploys, moves its version when the config changes, and retires it when dropped", async () => {
    const db = server.platform.store.db;
    const action = await findAction(db, accountId, { id: actionId });
    const appId = Number(action.app_id);
    const config = JSON.parse(action.config);
    const deploy = (features: Parameters<typeof registerWorkflowActions>[4]) =>
      db.transaction().execute((trx) => registerWorkflowActions(trx, accountId, appId, Number(action.build_id), features, Date.now()));
    await deploy([{ uid: "enrich-contact", type: "workflow-action", config }]);
    expect(await findAction(db, accountId, { id: actionId })).toMatchObject({ version: 1 });
    await deploy([{ uid: "enrich-contact", type: "workflow-action", config: { ...config, actionUrl: "https://actions.example.test/v2" } }]);
    expect(await findAction(db, accountId, { id: actionId })).toMatchObject({ version: 2 });
    await deploy([]);
    await expect(findAction(db, accountId, { id: actionId })).rejects.toThrow(/No deployed workflow action/);
    expect((await api.call("GET", `/api/v1/private-apps/${APP}/workflow-actions`)).body.results).toEqual([]);
  });
});
