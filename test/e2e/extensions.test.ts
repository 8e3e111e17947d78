// App cards on the console's record pages, in Debian's Chromium against a real server with deployed projects:
// functions, secrets and propertiesToSend, failures with trace ids, alerts, record refreshes and extension events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { deployProject, launchChromium, OWN_PROJECTS, recordPath, SHARED_PROJECTS, signedInPage } from "./fixtures/card-projects";

const screenshots = path.resolve(import.meta.dirname, "../../test-results/extensions");
const engine = process.env.SPROCKET_TEST_DB ?? "sqlite";
const TRACE = /Trace ID: ([0-9a-f]{32})/;

let server: TestServer;
let api: ProjectApi;
let browser: Browser;
let accountId: number;
let login: { email: string; password: string };
let contactId: string;
let companyId: string;
let crmToken: string;
// One signed-in tab for every test: a fresh context is a new renderer process and a cold load of the console and the
// extension host, which was most of a test's CPU. Each test still loads its own record page and fails on the page's
// errors since it began.
let tab: { page: Page; errors: string[] };

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${engine}-${name}.png`), fullPage: true });

/** The CRM API as a private app calls it. */
async function crm(method: string, url: string, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${crmToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Every event of a trace, from the trace API the console's Log Traces tab reads. */
async function traceEvents(traceId: string): Promise<any[]> {
  const res = await api.call("GET", `/api/v1/traces/${traceId}`);
  if (res.status !== 200) return [];
  const events: any[] = [];
  const walk = (spans: any[]) => {
    for (const span of spans) {
      if (span.event) events.push(span.event);
      events.push(...span.logs);
      walk(span.children);
    }
  };
  walk(res.body.spans);
  return events;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // The tests make the records they open: the demo account's seeded CRM would be CPU spent on nothing here.
  server = await startTestServer({ demoCrm: false });
  accountId = server.bootstrap.info.accountId;
  login = server.bootstrap.info.superAdmin;
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  for (const dir of [
    path.join(SHARED_PROJECTS, "seed-example"),
    path.join(SHARED_PROJECTS, "minimal-async"),
    path.join(OWN_PROJECTS, "probes"),
  ])
    await deployProject(api, dir);
  const secret = await api.call("POST", "/cms/v3/functions/secrets", { body: { key: "GREETING", secret: "Howdy" } });
  expect(secret.status).toBe(201);
  crmToken = (
    await createTestApp(server.platform, accountId, {
      uid: "crm-writer",
      scopes: ["crm.objects.contacts.write", "crm.objects.companies.write", "tickets"],
    })
  ).token;
  contactId = (
    await crm("POST", "/crm/v3/objects/contacts", { properties: { firstname: "Ada", lastname: "Lovelace", email: "ada@engines.example" } })
  ).id;
  companyId = (await crm("POST", "/crm/v3/objects/companies", { properties: { name: "Analytical Engines", domain: "engines.example" } }))
    .id;
  browser = await launchChromium();
  tab = await signedInPage(browser, server.url, login);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The shared tab at `url`, with the errors since this call. */
async function open(url: string) {
  tab.errors.length = 0;
  await tab.page.goto(url);
  return tab;
}

async function openContact() {
  const opened = await open(recordPath(accountId, "0-1", contactId));
  await opened.page.getByRole("tab", { name: "Apps" }).click();
  return opened;
}

describe("app cards on record pages", () => {
  it("runs the seed card on a contact: Send shows the function's answer and a success alert", async () => {
    const { page, errors } = await openContact();
    const card = page.getByRole("region", { name: "Example card (Get started App with React)" });
    // context.user comes from the session: the bootstrap admin is Demo Admin.
    await card.getByText("Hello Demo, send some text to the serverless function.").waitFor();
    await card.getByLabel("Text").fill("hello from Chromium");
    await card.getByRole("button", { name: "Send" }).click();
    await card.getByText("This is coming from a serverless function! You entered: hello from Chromium").waitFor();
    const alert = card.getByRole("alert").filter({ hasText: "The function answered." });
    await alert.waitFor();
    expect(await alert.getAttribute("data-alert-type")).toBe("success");
    await shot(page, "seed-card");
    expect(errors).toEqual([]);
  });

  it("runs the minimal-async card in a company's sidebar with the secret's greeting and the company's properties", async () => {
    const { page, errors } = await open(recordPath(accountId, "0-2", companyId));
    const sidebar = page.getByRole("complementary", { name: "App cards in the sidebar" });
    await sidebar
      .getByRole("region", { name: "Company summary (Minimal async app)" })
      .getByText("Howdy: Analytical Engines (engines.example)")
      .waitFor();
    await shot(page, "company-sidebar");
    expect(errors).toEqual([]);
  });

  it("shows a ticket's help desk sidebar card in the record sidebar, where it still knows its own location", async () => {
    const ticketId = (await crm("POST", "/crm/v3/objects/tickets", { properties: { subject: "Printer on fire", hs_pipeline_stage: "1" } }))
      .id;
    const { page, errors } = await open(recordPath(accountId, "0-5", ticketId));
    const sidebar = page.getByRole("complementary", { name: "App cards in the sidebar" });
    await sidebar
      .getByRole("region", { name: "Help desk card (Probe app)" })
      .getByText(`helpdesk.sidebar card on ticket ${ticketId}`)
      .waitFor();
    expect(errors).toEqual([]);
  });

  it("lists a custom object in the navigation, creates and deletes its records, and shows cards that target it by p_ name or type id", async () => {
    const custom = (
      await createTestApp(server.platform, accountId, {
        uid: "custom-writer",
        scopes: ["crm.schemas.custom.write", "crm.objects.custom.write", "crm.objects.custom.read", "crm.objects.contacts.write"],
      })
    ).token;
    const call = async (method: string, url: string, body: unknown) => {
      const res = await fetch(server.url + url, {
        method,
        headers: { authorization: `Bearer ${custom}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as any;
    };
    const schema = await call("POST", "/crm/v3/schemas", {
      name: "auctions",
      labels: { singular: "Auction", plural: "Auctions" },
      primaryDisplayProperty: "lot",
      requiredProperties: ["lot"],
      properties: [{ name: "lot", label: "Lot", type: "string", fieldType: "text" }],
      associatedObjects: ["CONTACT"],
    });
    const typeId: string = schema.objectTypeId;
    const [definition] = schema.associations;
    const clock = await call("POST", "/crm/v3/objects/p_auctions", {
      properties: { lot: "Clock" },
      associations: [{ to: { id: contactId }, types: [{ associationCategory: "USER_DEFINED", associationTypeId: Number(definition.id) }] }],
    });
    // A card that names the type by its id, which only exists now: a project written for this account.
    const dir = mkdtempSync(path.join(tmpdir(), "sprocket-custom-card-"));
    const files: Record<string, string> = {
      "hsproject.json": JSON.stringify({ name: "custom-object-cards", srcDir: "src", platformVersion: "2025.1" }),
      "src/app/app.json": JSON.stringify({
        name: "Type id app",
        description: "A card on a custom object named by its type id.",
        uid: "type-id-app",
        scopes: ["crm.objects.custom.read"],
        public: false,
        extensions: { crm: { cards: [{ file: "cards/card.json" }] } },
      }),
      "src/app/cards/card.json": JSON.stringify({
        type: "crm-card",
        data: {
          title: "By type id",
          uid: "by-type-id",
          location: "crm.record.sidebar",
          module: { file: "Card.jsx" },
          objectTypes: [{ name: typeId }],
        },
      }),
      "src/app/cards/Card.jsx": `import React from "react";\nimport { Text, hubspot } from "@hubspot/ui-extensions";\nhubspot.extend(({ context }) => <Text>Record {context.crm.objectId} by type id</Text>);\n`,
      "src/app/cards/package.json": JSON.stringify({
        name: "c",
        version: "0.1.0",
        private: true,
        dependencies: { "@hubspot/ui-extensions": "latest", react: "^18.2.0" },
      }),
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    await deployProject(api, dir);

    const { page, errors } = await open(`/contacts/${accountId}/objects/0-1`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Auctions" }).click();
    await page.getByRole("heading", { name: "Auctions" }).waitFor();
    await page.getByRole("button", { name: "Create auction" }).click();
    const form = page.getByRole("dialog", { name: "Create auction" });
    await form.getByLabel("Lot", { exact: true }).fill("Vase");
    await form.getByRole("button", { name: "Create", exact: true }).click();
    await form.waitFor({ state: "hidden" });
    await page.getByLabel("Search auctions").fill("Vase");
    await page.getByRole("link", { name: "Vase" }).click();
    // The record's card reads the record once it mounts: deleting first made its read a 404 on a loaded machine.
    const cards = page.getByRole("complementary", { name: "App cards in the sidebar" });
    await cards
      .getByRole("region", { name: "Auction card (Probe app)" })
      .getByText(/^Lot Vase /)
      .waitFor();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog", { name: "Delete Vase?" }).getByRole("button", { name: "Delete auction" }).click();
    await page.waitForURL(`**/contacts/${accountId}/objects/${typeId}`);
    await page.getByLabel("Search auctions").fill("Vase");
    await page.getByText("No auctions match “Vase”").waitFor();

    await page.goto(recordPath(accountId, typeId, clock.id));
    await page.getByRole("region", { name: "Associations" }).getByRole("link", { name: "Ada Lovelace" }).waitFor();
    await cards.getByRole("region", { name: "Auction card (Probe app)" }).getByText(`Lot Clock (${typeId} ${clock.id})`).waitFor();
    await cards.getByRole("region", { name: "By type id (Type id app)" }).getByText(`Record ${clock.id} by type id`).waitFor();
    await shot(page, "custom-object-record");
    // The contact's page lists the auction among its associations.
    await page.goto(recordPath(accountId, "0-1", contactId));
    await page.getByRole("region", { name: "Associations" }).getByRole("link", { name: "Clock" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("shows a throwing card's trace id while its neighbour keeps working, and stores the failure under that trace", async () => {
    const { page } = await openContact();
    const thrower = page.getByRole("region", { name: "Throwing card (Probe app)" });
    const failure = thrower.getByText(/This card failed to load\. Trace ID:/);
    await failure.waitFor();
    const traceId = TRACE.exec((await failure.textContent()) ?? "")?.[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The neighbour in the same tab still answers.
    const seed = page.getByRole("region", { name: "Example card (Get started App with React)" });
    await seed.getByLabel("Text").fill("still alive");
    await seed.getByRole("button", { name: "Send" }).click();
    await seed.getByText("You entered: still alive").waitFor();
    await shot(page, "thrower-and-neighbour");
    // Its details name the line that threw, in the project's file.
    await thrower.getByText("Details").click();
    await expect.poll(() => thrower.locator("pre").textContent()).toContain("at app/cards/Thrower.jsx:5:35");
    expect(await thrower.locator("pre").textContent()).not.toContain("/api/v1/card-bundles/");
    await expect.poll(async () => (await traceEvents(traceId!)).map((e) => e.eventType), { timeout: 10_000 }).toContain("RENDER_FAILURE");
    const events = await traceEvents(traceId!);
    expect(events.find((e) => e.eventType === "RENDER_FAILURE")).toMatchObject({
      cardUid: "thrower-card",
      level: "ERROR",
      objectId: contactId,
      objectTypeId: "0-1",
    });
    expect(events.find((e) => e.eventType === "RENDER_FAILURE").message).toContain(`Thrower cannot render record ${contactId}`);
    // The card's stack is stored in the project's file and line (Thrower.jsx throws at 5:35), not the minified bundle's.
    const stack = events.find((e) => e.eventType === "LOG" && e.message.startsWith("Card failed")).message as string;
    expect(stack).toMatch(/^ {4}at app\/cards\/Thrower\.jsx:5:35$/m);
    expect(stack).not.toContain("/api/v1/card-bundles/");
  });

  it("shows a failed card's whole trace id inside its card, copies it and links to the trace", async () => {
    const { page, errors } = await openContact();
    // Narrow enough that the 32 characters of the id would overflow the card if they did not wrap (the shared tab's
    // width comes back at the end).
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 700, height: 900 });
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const thrower = page.getByRole("region", { name: "Throwing card (Probe app)" });
    const id = thrower.locator("code.sx-card__trace");
    await id.waitFor();
    const traceId = (await id.textContent())!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await thrower.locator("[data-trace-id]").getAttribute("data-trace-id")).toBe(traceId);
    const widths = await thrower.evaluate((card) => {
      const box = card.getBoundingClientRect();
      const failure = card.querySelector(".sx-card__failure")!;
      const trace = card.querySelector("code.sx-card__trace")!.getBoundingClientRect();
      return {
        card: [box.left, box.right],
        failure: [failure.scrollWidth, failure.clientWidth],
        trace: [trace.left, trace.right],
        cardScroll: [card.scrollWidth, card.clientWidth],
      };
    });
    expect(widths.failure[0]).toBeLessThanOrEqual(widths.failure[1]);
    expect(widths.cardScroll[0]).toBeLessThanOrEqual(widths.cardScroll[1]);
    expect(widths.trace[0]).toBeGreaterThanOrEqual(widths.card[0]);
    expect(widths.trace[1]).toBeLessThanOrEqual(widths.card[1]);
    await thrower.getByRole("button", { name: "Copy trace ID" }).click();
    await thrower.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(traceId);
    await shot(page, "thrower-narrow");
    // The link opens the app's Log Traces tab on this trace, once the render failure is stored.
    await expect.poll(async () => (await traceEvents(traceId)).map((e) => e.eventType), { timeout: 10_000 }).toContain("RENDER_FAILURE");
    await thrower.getByRole("link", { name: "View trace" }).click();
    await page.waitForURL(`**/log-traces?traceId=${traceId}`);
    await page.getByTestId("trace-tree").getByText("render thrower-card").first().waitFor();
    expect(errors).toEqual([]);
    await page.setViewportSize(wide);
  });

  it("shows a failing function's message with its trace id, as HubSpot does", async () => {
    const { page } = await openContact();
    const probe = page.getByRole("region", { name: "Probe card (Probe app)" });
    await probe.getByRole("button", { name: "Explode" }).click();
    const failed = probe.getByText(/^Failed: /);
    await failed.waitFor();
    const message = (await failed.textContent())!;
    expect(message).toContain("The serverless function 'explode' failed to execute: the probe exploded on purpose.");
    const traceId = TRACE.exec(message)?.[1];
    // The function ran in the card's trace.
    expect(traceId).toBe(await probe.locator("[data-trace-id]").getAttribute("data-trace-id"));
  });

  it("stores RENDER_SUCCESS, logger lines and the function run under the card's trace id", async () => {
    const { page } = await openContact();
    const seed = page.getByRole("region", { name: "Example card (Get started App with React)" });
    await seed.getByRole("button", { name: "Send" }).waitFor();
    const seedTrace = (await seed.locator("[data-trace-id]").getAttribute("data-trace-id"))!;
    await seed.getByLabel("Text").fill("traced");
    await seed.getByRole("button", { name: "Send" }).click();
    await seed.getByText("You entered: traced").waitFor();
    const probe = page.getByRole("region", { name: "Probe card (Probe app)" });
    await probe.getByText("First name: Ada").waitFor();
    const probeTrace = (await probe.locator("[data-trace-id]").getAttribute("data-trace-id"))!;

    await expect
      .poll(async () => (await traceEvents(seedTrace)).map((e) => e.eventType ?? e.kind), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(["RENDER_SUCCESS", "LOG", "function-run"]));
    const seedEvents = await traceEvents(seedTrace);
    expect(seedEvents.find((e) => e.eventType === "RENDER_SUCCESS")).toMatchObject({
      cardUid: "example-card",
      location: "crm.record.tab",
      objectId: contactId,
      traceId: seedTrace,
    });
    expect(seedEvents.find((e) => e.eventType === "LOG" && e.message === "Running app function myFunc")).toBeDefined();
    await expect
      .poll(async () => (await traceEvents(probeTrace)).map((e) => e.message), { timeout: 10_000 })
      .toContain(`probe rendered for record ${contactId}`);
    expect((await traceEvents(probeTrace)).find((e) => e.message === `probe rendered for record ${contactId}`)).toMatchObject({
      eventType: "LOG",
      level: "INFO",
      cardUid: "probe-card",
      location: "crm.record.sidebar",
    });
  });

  it("refreshObjectProperties reads the record again for the page and the card; reloadPage starts the cards afresh", async () => {
    const { page, errors } = await openContact();
    const probe = page.getByRole("region", { name: "Probe card (Probe app)" });
    await probe.getByText("First name: Ada").waitFor();
    await crm("PATCH", `/crm/v3/objects/contacts/${contactId}`, { properties: { firstname: "Augusta" } });
    await probe.getByRole("button", { name: "Refresh" }).click();
    await probe.getByText("First name: Augusta").waitFor();
    await page.getByRole("heading", { name: "Augusta Lovelace" }).waitFor();

    const before = await probe.locator("[data-trace-id]").getAttribute("data-trace-id");
    await probe.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => probe.locator("[data-trace-id]").getAttribute("data-trace-id")).not.toBe(before);
    await probe.getByText("First name: Augusta").waitFor();
    expect(errors).toEqual([]);
    await crm("PATCH", `/crm/v3/objects/contacts/${contactId}`, { properties: { firstname: "Ada" } });
  });

  // HubSpot's flex-and-box example shows an https image; the console's CSP used to allow only 'self' and data: images.
  it("shows a card's Image from a data: URL and from an https origin, while scripts and connections stay same-origin", async () => {
    const html = await fetch(server.url + recordPath(accountId, "0-1", contactId), { headers: { accept: "text/html" } });
    const csp = (html.headers.get("content-security-policy") ?? "").split(/;\s*/);
    expect(csp).toEqual(
      expect.arrayContaining([
        "img-src 'self' data: https:",
        "script-src 'self'",
        "connect-src 'self' http://localhost:* ws://localhost:*",
        "worker-src 'self'",
        "default-src 'self'",
      ]),
    );

    const { page, errors } = await openContact();
    // Served here, at the network layer: a request the CSP blocks never gets this far, and the image stays empty.
    const pixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    await page.route("https://images.probe.example/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: pixel }));
    const probe = page.getByRole("region", { name: "Probe card (Probe app)" });
    await probe.getByRole("button", { name: "Show images" }).click();
    for (const name of ["Inline pixel", "Remote pixel"]) {
      const image = probe.getByRole("img", { name });
      await expect
        .poll(() =>
          image.evaluate((img) => {
            // The test's TypeScript has no DOM library; these are HTMLImageElement's.
            const { complete, naturalWidth } = img as unknown as { complete: boolean; naturalWidth: number };
            return complete && naturalWidth;
          }),
        )
        .toBe(1);
    }
    expect(errors).toEqual([]);
    // The shared tab's later loads go to the network again.
    await page.unrouteAll();
  });
});
