// Workflow actions in Chromium: the app's Workflow actions tab shows the deployed action and its "Test action" calls
// the actionUrl (a local receiver checking the v3 signature) and shows the output fields; a workflow made on the
// Workflows page writes the action's output back to a contact created afterwards.
import type { Client } from "@hubspot/api-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientSecret } from "../../packages/server/src/apps/client-secret";
import { ActionReceiver, deployWorkflowActionApp } from "../../packages/server/test/support/action-receiver";
import { crmClient } from "../../packages/server/test/support/crm-client";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { launchChromium, signedInPage } from "./fixtures/card-projects";

let server: TestServer;
let receiver: ActionReceiver;
let browser: Browser;
let client: Client;
let appId: number;

beforeAll(async () => {
  // The receiver listens on loopback, which the operator setting allows.
  server = await startTestServer({ demoCrm: false, env: { SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = new ActionReceiver();
  await receiver.listen();
  await deployWorkflowActionApp(new ProjectApi(server.url, server.bootstrap.info.personalAccessKey), `${receiver.origin}/enrich`);
  const app = await server.platform.store.db
    .selectFrom("private_apps")
    .select("id")
    .where("uid", "=", "workflow-action-app")
    .executeTakeFirstOrThrow();
  appId = Number(app.id);
  receiver.clientSecret = await appClientSecret(server.platform, appId);
  ({ client } = await crmClient(server, server.bootstrap.info.accountId));
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await server?.stop();
});

describe("workflow actions in the console", () => {
  it("tests the action from the app page, then runs it from a workflow made on the Workflows page", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const { page, errors, close } = await signedInPage(browser, server.url, superAdmin);
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "console@example.com" }, associations: [] });

    await page.goto(`/private-apps/${accountId}/${appId}/workflow-actions`);
    const action = page.getByRole("region", { name: /Enrich contact/ });
    await action.getByText(`${receiver.origin}/enrich`).waitFor();
    await action.getByLabel("Record id").fill(contact.id);
    await action.getByLabel("greeting").fill("Hello");
    await action.getByRole("button", { name: "Test action" }).click();
    await action.getByTestId("action-output-fields").getByText('"jobtitle": "Hello"').waitFor();
    expect(receiver.of(contact.id)[0]!.signatureValid).toBe(true);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflows" }).click();
    const form = page.getByRole("form", { name: "New workflow" });
    await form.getByLabel("Name").fill("Greet new contacts");
    await form.getByLabel("greeting value").fill("Welcome");
    await form.getByRole("button", { name: "Create workflow" }).click();
    await page.getByTestId("workflows").getByText("Greet new contacts").waitFor();

    const later = await client.crm.contacts.basicApi.create({ properties: { email: "later@example.com" }, associations: [] });
    await vi.waitFor(
      async () => expect((await client.crm.contacts.basicApi.getById(later.id, ["jobtitle"])).properties.jobtitle).toBe("Welcome"),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    expect(errors).toEqual([]);
    await close();
  });
});
