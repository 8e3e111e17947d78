// App objects and app events in Chromium: the console lists the deployed app object in its navigation with its
// records, and a contact's record page shows the app's timeline event rendered by its template (issue #21 item 5).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { revealAppToken } from "../../packages/server/src/apps/app-tokens";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { rawCall } from "../../packages/server/test/support/crm-client";
import { deployProject, launchChromium, recordPath, SHARED_PROJECTS, signedInPage } from "./fixtures/card-projects";

let server: TestServer;
let browser: Browser;
let contactId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  await deployProject(new ProjectApi(server.url, server.bootstrap.info.personalAccessKey), path.join(SHARED_PROJECTS, "app-objects"));
  const appId = Number(
    (await server.platform.store.db.selectFrom("private_apps").select("id").where("uid", "=", "garage-app").executeTakeFirstOrThrow()).id,
  );
  const token = (await revealAppToken(server.platform, appId))!;
  const call = async (url: string, body: unknown) => {
    const res = await rawCall(server, token, "POST", url, body);
    if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body!;
  };
  await call(`/crm/v3/objects/a${appId}_car`, { properties: { [`a${appId}_model`]: "Model 3", [`a${appId}_make`]: "Tesla" } });
  contactId = (await call("/crm/v3/objects/contacts", { properties: { email: "buyer@example.com", firstname: "Bo" } })).id;
  const templates = await rawCall(server, token, "GET", `/integrators/timeline/v3/${appId}/event-templates`);
  await call("/integrators/timeline/v3/events", {
    eventTemplateId: templates.body!.results.find((t: { name: string }) => t.name === "Car sold").id,
    objectId: contactId,
    tokens: { model: "Model 3", price: 45000, payment: "card" },
  });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("app objects and app events in the console", () => {
  it("lists the app object in the navigation with its records, and shows the app event on the contact's timeline", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const { page, errors, close } = await signedInPage(browser, server.url, superAdmin);
    await page.goto(`/contacts/${accountId}/objects/0-1`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Garage Cars" }).click();
    await page.getByRole("link", { name: "Model 3" }).click();
    await page.getByRole("heading", { name: "Model 3" }).waitFor();
    await page.getByRole("region", { name: "Timeline" }).getByText("No app events on this garage car yet.").waitFor();

    await page.goto(recordPath(accountId, "0-1", contactId));
    const timeline = page.getByRole("region", { name: "Timeline" });
    const event = timeline.getByRole("listitem", { name: "Car sold event" });
    await event.waitFor();
    expect(await event.locator("strong").textContent()).toBe("Model 3");
    expect(await event.textContent()).toContain("Bought a Model 3 for 45000 EUR");
    expect(await event.textContent()).toContain("Paid by card.");
    expect(errors).toEqual([]);
    await close();
  });
});
