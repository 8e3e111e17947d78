// The extension host in real Chromium: cards built like HubSpot's builder, one worker each.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { buildExtensionHost } from "../src/extension-host/build";
import type { ExtensionContext, ServerlessRequest } from "../src/extension-host/contract";
import { registeredComponentNames } from "./registered-components";
import { buildCard } from "./hubspot-card-build";
import { startHarnessServer, type HarnessServer } from "./harness-server";

const projects = PROJECTS_DIR;
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const resultsDir = fileURLToPath(new URL("../test-results/", import.meta.url));
const require = createRequire(import.meta.url);

const contact = { objectTypeId: "0-1", objectId: 501 };
const company = { objectTypeId: "0-2", objectId: 9001 };
const records: Record<string, Record<string, string>> = {
  "0-1/501": { firstname: "Ada", email: "ada@example.com", lifecyclestage: "lead", createdate: "2024-01-01", closedate: "2030-01-01" },
  "0-2/9001": { name: "Analytical Engines Ltd", domain: "engines.example" },
  "0-2/9002": { name: "Difference Co", domain: "difference.example" },
};
const associations = { "0-1/501": { "0-2": [9001, 9002] } };

function contextFor(record: { objectTypeId: string; objectId: number }, cardTitle: string): ExtensionContext {
  return {
    location: "crm.record.tab",
    user: {
      id: 11,
      email: "ada@example.com",
      emails: ["ada@example.com"],
      firstName: "Ada",
      lastName: "Lovelace",
      teams: [],
      roles: [],
      permissions: [],
    },
    portal: { id: 123, timezone: "Europe/Paris" },
    crm: record,
    extension: { appId: 7, appName: "Test app", cardTitle },
  };
}

/** App functions from the fixture projects' serverless.json, run as HubSpot's local executor runs them. */
function appFunctions(): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of [`${projects}/seed-example/src/app/app.functions`, `${projects}/minimal-async/src/app/app.functions`]) {
    const config = JSON.parse(readFileSync(join(dir, "serverless.json"), "utf8")) as { appFunctions: Record<string, { file: string }> };
    for (const [name, { file }] of Object.entries(config.appFunctions)) files.set(name, join(dir, file));
  }
  return files;
}

const invocations: { request: ServerlessRequest; traceparent: string }[] = [];
const functions = appFunctions();

async function invokeServerless(request: ServerlessRequest, meta: { traceparent: string }): Promise<unknown> {
  invocations.push({ request, traceparent: meta.traceparent });
  const file = functions.get(request.serverlessFunction);
  if (!file) throw new Error(`The serverless function '${request.serverlessFunction}' was not found`);
  const query = request.objectQuery;
  const record = query ? (records[`${query.objectTypeId}/${query.objectId}`] ?? {}) : {};
  const propertiesToSend = Object.fromEntries((query?.objectPropertyNames ?? []).map((name) => [name, record[name]]));
  const { main } = require(file) as { main: (context: unknown, callback: (value: unknown) => void) => unknown };
  const context = { parameters: request.parameters, propertiesToSend, event: request.event, secrets: {} };
  // As HubSpot's 2023.1 executor: a callback is always passed; async functions return instead.
  return new Promise((resolve, reject) => {
    const returned = main(context, resolve) as Promise<unknown> | undefined;
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
  });
}

let browser: Browser;
let server: HarnessServer;
let hostDir: string;

beforeAll(async () => {
  hostDir = mkdtempSync(join(tmpdir(), "sprocket-extension-host-"));
  await buildExtensionHost({ outdir: hostDir });
  const cards = new Map<string, string>([
    ["Example.js", await buildCard(`${projects}/seed-example/src/app/extensions/Example.jsx`)],
    ["Summary.js", await buildCard(`${projects}/minimal-async/src/app/cards/Summary.jsx`)],
    ["Catalogue.js", await buildCard(`${fixtures}Catalogue.jsx`)],
    ["HooksCard.js", await buildCard(`${fixtures}HooksCard.jsx`)],
    ["SandboxProbe.js", await buildCard(`${fixtures}SandboxProbe.jsx`)],
    ["StorageProbe.js", await buildCard(`${fixtures}StorageProbe.jsx`)],
    ["NavigateProbe.js", await buildCard(`${fixtures}NavigateProbe.jsx`)],
    ["Thrower.js", await buildCard(`${fixtures}Thrower.jsx`)],
    ["LegacyCard.js", await buildCard(`${fixtures}LegacyCard.jsx`, { legacySdk: true })],
    ["SyntaxError.js", "(function(){ this is not javascript"],
    ["NoExtend.js", "self.loadedWithoutExtend = true;"],
  ]);
  server = await startHarnessServer(hostDir, cards);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterEach(() => {
  // Card failures are shown in the card, never thrown at the page.
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

const pageErrors: string[] = [];

// One tab for the record-page tests, loaded afresh by each: a new context per test was a new renderer process and a
// cold load of the host. The catalogue test keeps a tab of its own (its size, its init script).
let recordTab: Page | undefined;

async function openRecordPage(): Promise<Page> {
  if (!recordTab) {
    recordTab = await browser.newPage();
    recordTab.on("pageerror", (error) => pageErrors.push(error.message));
    await recordTab.exposeFunction("invokeServerless", invokeServerless);
  }
  const page = recordTab;
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as any).mountTestCard === "function");
  await page.evaluate(({ records, associations }) => Object.assign((window as any).crm, { records, associations }), {
    records,
    associations,
  });
  return page;
}

function mount(page: Page, slot: string, bundle: string, context: ExtensionContext): Promise<string> {
  return page.evaluate(([slot, bundle, context]) => (window as any).mountTestCard(slot, bundle, context), [slot, bundle, context] as const);
}

const logLines = (page: Page) =>
  page.evaluate(
    () =>
      (window as any).logLines as { level: string; message: string; traceId: string; spanId: string; card: { extensibleCardId: string } }[],
  );

describe("extension host in Chromium", () => {
  it("runs the seed example card: typing and Send call the app function, show its answer and a success alert", async () => {
    const page = await openRecordPage();
    const traceId = await mount(page, "example", "/cards/Example.js", contextFor(contact, "Example"));
    const card = page.getByRole("region", { name: "example" });
    await expect.poll(() => card.getByText("Hello Ada, send some text to the serverless function.").count()).toBe(1);

    await card.getByLabel("Text").fill("ping from the test");
    await card.getByRole("button", { name: "Send" }).click();
    await card.getByText("This is coming from a serverless function! You entered: ping from the test").waitFor();
    await card.getByRole("status").filter({ hasText: "The function answered." }).waitFor();

    const call = invocations.find((entry) => entry.request.parameters.text === "ping from the test");
    expect(call?.request).toEqual({
      appId: 7,
      extensibleCardId: "example",
      serverlessFunction: "myFunc",
      location: "crm.record.tab",
      objectQuery: { objectId: 501, objectTypeId: "0-1", objectPropertyNames: [] },
      parameters: { text: "ping from the test" },
      event: { type: "SERVERLESS_ACTION_HOOK", payload: {} },
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(call?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it("runs the minimal-async Summary card with the summary its function computes from propertiesToSend", async () => {
    const page = await openRecordPage();
    await mount(page, "summary", "/cards/Summary.js", contextFor(company, "Summary"));
    const card = page.getByRole("region", { name: "summary" });
    await card.getByText("Hello: Analytical Engines Ltd (engines.example)").waitFor();
    const call = invocations.find((entry) => entry.request.serverlessFunction === "summarize");
    expect(call?.request.objectQuery).toEqual({ objectId: 9001, objectTypeId: "0-2", objectPropertyNames: ["name", "domain"] });
    expect(call?.request.parameters).toEqual({ objectId: 9001 });
  });

  it("renders every registered component from a catalogue card, with working overlays, tabs and forms", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Record which component types the worker sends to the page.
    await page.addInitScript(() => {
      const rendered = new Set<string>();
      (window as any).renderedTypes = rendered;
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) return value.forEach(collect);
        if (value && typeof value === "object") {
          const node = value as { kind?: number; type?: unknown };
          if (node.kind === 1 && typeof node.type === "string") rendered.add(node.type);
          Object.values(value).forEach(collect);
        }
      };
      const NativeWorker = window.Worker;
      window.Worker = class extends NativeWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          this.addEventListener("message", (event) => collect(event.data));
        }
      };
    });
    await page.exposeFunction("invokeServerless", invokeServerless);
    await page.goto(server.url);
    await page.evaluate(({ records, associations }) => Object.assign((window as any).crm, { records, associations }), {
      records,
      associations,
    });
    await mount(page, "catalogue", "/cards/Catalogue.js", contextFor(contact, "Catalogue"));
    const card = page.getByRole("region", { name: "catalogue" });
    await card.getByRole("heading", { name: "Component catalogue" }).waitFor();
    await card.getByRole("table").filter({ hasText: "Analytical Engines Ltd" }).waitFor();

    // Open the panel and the modal once so their contents reach the page too.
    await card.getByRole("button", { name: "Open panel" }).click();
    const panel = page.getByRole("dialog", { name: "Demo panel" });
    await panel.getByText("Inside the panel").waitFor();
    await panel.getByRole("button", { name: "Close panel" }).click();
    await panel.waitFor({ state: "detached" });

    await card.getByRole("button", { name: "Open modal" }).click();
    const modal = page.getByRole("dialog", { name: "Demo modal" });
    await modal.getByText("Inside the modal").waitFor();
    await page.screenshot({ path: join(resultsDir, "catalogue-modal.png") });
    await modal.getByRole("button", { name: "Close modal" }).click();
    await modal.waitFor({ state: "detached" });

    const rendered = await page.evaluate(() => [...((window as any).renderedTypes as Set<string>)]);
    const missing = registeredComponentNames().filter((name) => !rendered.includes(name));
    expect(missing).toEqual([]);
    expect(await card.getByText("This card failed to load").count()).toBe(0);

    // Function props round-trip to the worker and state updates come back.
    await card.getByRole("button", { name: "Count click" }).click();
    await card.getByText("Clicks: 1").waitFor();
    await card.getByRole("button", { name: "More actions" }).click();
    await card.getByRole("menuitem", { name: "Item button" }).click();
    await card.getByText("Clicks: 101").waitFor();
    await card.getByRole("tab", { name: "Second tab" }).click();
    await card.getByText("Second tab body").waitFor();
    await card.getByRole("button", { name: "2", exact: true }).click();
    await card.getByText("Row on page 2").waitFor();
    await card.getByLabel("First name").fill("Grace");
    await card.getByRole("button", { name: "Submit form" }).click();
    await card.getByText(/Submitted: .*"first":"Grace"/).waitFor();

    // Accessible HTML: inputs are labelled, tables are tables, the progress bar has its value.
    expect(await card.getByLabel("Pick one").evaluate((element) => element.tagName)).toBe("SELECT");
    expect(await card.getByRole("progressbar", { name: "Progress" }).getAttribute("aria-valuenow")).toBe("40");
    expect(await card.getByRole("switch", { name: "Enabled" }).getAttribute("aria-checked")).toBe("false");

    await card.screenshot({ path: join(resultsDir, "catalogue.png") });
    await page.close();
  });

  it("runs a card built with the 0.8.2 SDK through self.extend(root, api)", async () => {
    const page = await openRecordPage();
    await mount(page, "legacy", "/cards/LegacyCard.js", contextFor(contact, "Legacy"));
    const card = page.getByRole("region", { name: "legacy" });
    await card.getByText("Legacy card for Ada").waitFor();
    await card.getByRole("button", { name: "Ask legacy" }).click();
    await card.getByText("This is coming from a serverless function! You entered: legacy").waitFor();
  });

  it("shows a failed card's trace id while its neighbour keeps working", async () => {
    const page = await openRecordPage();
    const failing = {
      thrower: await mount(page, "thrower", "/cards/Thrower.js", contextFor(contact, "Thrower")),
      missing: await mount(page, "missing", "/cards/DoesNotExist.js", contextFor(contact, "Missing")),
      syntax: await mount(page, "syntax", "/cards/SyntaxError.js", contextFor(contact, "Syntax")),
      silent: await mount(page, "silent", "/cards/NoExtend.js", contextFor(contact, "Silent")),
    };
    await mount(page, "neighbour", "/cards/Example.js", contextFor(contact, "Example"));

    for (const [slot, traceId] of Object.entries(failing)) {
      const card = page.getByRole("region", { name: slot });
      await card
        .getByRole("alert")
        .filter({ hasText: `This card failed to load. Trace ID: ${traceId}` })
        .waitFor();
    }
    const details = async (slot: string) => page.getByRole("region", { name: slot }).locator("pre").textContent();
    expect(await details("thrower")).toContain("kaboom while rendering");
    expect(await details("missing")).toContain("failed to load");
    expect(await details("syntax")).toContain("SyntaxError");
    expect(await details("silent")).toContain("finished loading without calling hubspot.extend()");

    const neighbour = page.getByRole("region", { name: "neighbour" });
    await neighbour.getByLabel("Text").fill("still alive");
    await neighbour.getByRole("button", { name: "Send" }).click();
    await neighbour.getByText("This is coming from a serverless function! You entered: still alive").waitFor();

    const errors = (await logLines(page)).filter((line) => line.level === "error");
    for (const [slot, traceId] of Object.entries(failing)) {
      expect(errors.some((line) => line.card.extensibleCardId === slot && line.traceId === traceId)).toBe(true);
    }
  });

  it("backs the SDK hooks, hubspot.serverless and logger with the page's services", async () => {
    const page = await openRecordPage();
    const traceId = await mount(page, "hooks", "/cards/HooksCard.js", contextFor(contact, "Hooks"));
    const card = page.getByRole("region", { name: "hooks" });
    await card.getByText("Portal 123 in Europe/Paris, record 501").waitFor();
    await card.getByText("First name: Ada").waitFor();
    await card.getByText("Companies: Analytical Engines Ltd, Difference Co").waitFor();
    await card.getByText("Serverless: This is coming from a serverless function! You entered: via serverless()").waitFor();
    await card.getByText("Failure: Error: The serverless function 'doesNotExist' was not found").waitFor();

    // A property edited elsewhere reaches useCrmProperties after refreshObjectProperties().
    await page.evaluate(() => ((window as any).crm.records["0-1/501"].firstname = "Augusta"));
    await card.getByRole("button", { name: "Refresh properties" }).click();
    await card.getByText("First name: Augusta").waitFor();

    const lines = (await logLines(page)).filter((line) => line.card.extensibleCardId === "hooks");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: "info", message: "rendered for ada@example.com", traceId }),
        expect.objectContaining({ level: "warn", message: "this is a warning", traceId }),
      ]),
    );
    expect(lines.every((line) => line.traceId === traceId && /^[0-9a-f]{16}$/.test(line.spanId))).toBe(true);
    await page.evaluate(() => ((window as any).crm.records["0-1/501"].firstname = "Ada"));
  });

  it("keeps a card away from the page's DOM, cookies and network", async () => {
    const page = await openRecordPage();
    await mount(page, "probe", "/cards/SandboxProbe.js", contextFor(contact, "Probe"));
    const card = page.getByRole("region", { name: "probe" });
    await card.getByText("fetch: blocked: fetch is not available in UI extensions: use hubspot.fetch()").waitFor();
    const text = await card.innerText();
    expect(text).toContain("document: undefined");
    expect(text).toContain("window: undefined");
    expect(text).toContain("cookie: ReferenceError: document is not defined");
    expect(text).toContain("XMLHttpRequest: undefined");
    expect(text).toContain("indexedDB: undefined");
    expect(text).toContain("BroadcastChannel: undefined");
    expect(text).toContain("importScripts: undefined");
    expect(text).toContain("inherited: none");
    expect(text).not.toContain("page-secret");
    expect(await page.evaluate(() => document.cookie)).toContain("visible_cookie=page-secret");
    expect(server.secretHits).toEqual([]);
  });

  it("keeps origin storage, locks and other origin-wide channels away from a card, prototypes included", async () => {
    const page = await openRecordPage();
    await mount(page, "storage", "/cards/StorageProbe.js", contextFor(contact, "Storage"));
    const card = page.getByRole("region", { name: "storage" });
    await card.getByText("probe done").waitFor();
    const lines = (await card.innerText()).split("\n").filter((line) => line.includes(": "));
    expect(lines).toHaveLength(13);
    expect(lines.filter((line) => !line.endsWith(": gone"))).toEqual([]);
  });

  it("keeps a card from moving the console tab: console paths go to the router, external pages open in a new tab only after a click", async () => {
    const page = await openRecordPage();
    const popups: Page[] = [];
    const onPopup = (popup: Page) => popups.push(popup);
    page.context().on("page", onPopup);
    const start = page.url();
    await mount(page, "navigate", "/cards/NavigateProbe.js", contextFor(contact, "Navigate"));
    const card = page.getByRole("region", { name: "navigate" });
    await card.getByText("Navigation probe").waitFor();
    // The card asked for five things at once; the last, a console path, reached the page's router.
    await expect.poll(() => page.evaluate(() => (window as any).navigations)).toEqual(["/contacts/123/record/0-1/502?from=card"]);
    const warnings = (await logLines(page))
      .filter((line) => line.card.extensibleCardId === "navigate" && line.level === "warn")
      .map((line) => line.message);
    expect(warnings).toEqual([
      "navigateToPage to https://evil.example/phish refused: external pages open only when the user clicks in the card",
      "navigateToPage to javascript:parent.document.title='pwned' refused: javascript: URLs cannot be opened",
      "openIframeModal refused javascript:parent.document.title='pwned': the page must be an https URL",
      "openIframeModal refused http://evil.example/frame: the page must be an https URL",
    ]);
    expect(page.url()).toBe(start);
    expect(await page.title()).toBe("Record page harness");
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(popups).toEqual([]);
    expect(server.externalHits).toEqual([]);

    // A click in the card opens the external page in a new tab, with no opener and no referrer.
    const [popup] = await Promise.all([
      page.context().waitForEvent("page"),
      card.getByRole("button", { name: "Open external page" }).click(),
    ]);
    await popup.waitForLoadState();
    expect(popup.url()).toMatch(/^http:\/\/localhost:\d+\/external\?from=card$/);
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    expect(server.externalHits).toEqual([{ url: "/external?from=card", referer: undefined }]);
    expect(page.url()).toBe(start);
    await popup.close();
    page.context().off("page", onPopup);
  });

  it("refuses to mount a card with missing options, naming each problem", async () => {
    const page = await openRecordPage();
    const message = await page.evaluate(() => {
      try {
        (window as any).mountCard(document.body, { bundleUrl: "", workerUrl: "/host/worker.js", cardId: "", context: {}, services: {} });
        return "mounted";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toBe(
      "Cannot mount card: bundleUrl must be a non-empty URL; cardId must be a non-empty string; context must have location, user and portal; services.invoke must be a function",
    );
  });
});
