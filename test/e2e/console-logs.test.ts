// The private app's Overview, Logs, Log Traces and Extensions tabs in Debian's Chromium, over events made for real:
// API calls with an app token (some failing on purpose), function runs of a deployed project, card renders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { crmClient } from "../../packages/server/test/support/crm-client";
import { WebhookReceiver, deployWebhooksApp } from "../../packages/server/test/support/webhook-receiver";
import { newSpanId, newTraceId } from "../../packages/server/src/logs/trace-context";
import { filterQuery, matchesFilters, noFilters, type LogFilters } from "../../packages/console/src/app/apps/log-filters";
import type { LogEvent, LogKind } from "@sprocket/contract";

const FUNCTIONS_PROJECT = path.resolve(import.meta.dirname, "../../packages/server/test/fixtures/functions-project");
const screenshots = path.resolve(import.meta.dirname, "../../test-results/console-logs");
const engine = process.env.SPROCKET_TEST_DB ?? "sqlite";
const USAGE = "/account-info/v3/api-usage/daily/private-apps";

let server: TestServer;
let browser: Browser;
let accountId: number;
let developer: ProjectApi;
let functionsAppId: number;
const admin = { email: "", password: "" };

async function call(method: string, url: string, token: string, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "user-agent": "console-logs-test/1.0",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Runs an app function as a card would, through the execution endpoint. */
const runFunction = (name: string, parameters: Record<string, unknown> = {}) =>
  developer.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${functionsAppId}`, {
    body: { serverlessFunction: name, parameters },
  });

/** A page that fails the test on any console error or uncaught exception; 1024 px wide, the narrowest supported. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, baseURL: server.url });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

// One signed-in tab shared by the tests: a fresh context is a new renderer process and a cold load of the console,
// which was most of a test's CPU. Each test still loads its own URL and fails on the console errors since it began.
let tab: Promise<{ page: Page; errors: string[] }> | undefined;

/** The shared tab, signed in through the API, at `url`, with the errors since this call. */
async function signedIn(url: string): Promise<{ page: Page; errors: string[] }> {
  tab ??= openPage().then(async ({ page, errors }) => {
    expect((await page.context().request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    return { page, errors };
  });
  const { page, errors } = await tab;
  errors.length = 0;
  await page.goto(url);
  await page.getByTestId("signed-in-as").waitFor();
  return { page, errors };
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `${engine}-${name}.png`), fullPage: true, animations: "disabled" });

async function choose(page: Page, label: string, option: string) {
  await page.getByRole("textbox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

const rows = (page: Page) => page.getByTestId("log-row");
const noHorizontalScroll = (page: Page) =>
  page.evaluate<boolean>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // The webhooks test's receiver is on loopback, which the operator setting allows; a retry waits 20 ms.
  server = await startTestServer({
    env: { SPROCKET_FUNCTION_TIMEOUT_MS: "5000", SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", SPROCKET_WEBHOOK_RETRY_DELAYS_MS: "20" },
  });
  accountId = server.bootstrap.info.accountId;
  Object.assign(admin, server.bootstrap.info.superAdmin);
  developer = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  const zip = await zipDirectory(path.join(FUNCTIONS_PROJECT, "src"), { ignore: hubspotUploadIgnore });
  expect((await developer.call("POST", "/developer/projects/v1", { body: { name: "functions-suite" } })).status).toBeLessThan(300);
  const upload = await developer.upload("functions-suite", zip, { platformVersion: "2025.1" });
  expect(upload.status).toBe(200);
  const build = await developer.waitForBuild("functions-suite", upload.body.buildId);
  expect(build.status).toBe("SUCCESS");
  await developer.waitForDeploy("functions-suite", Number(build.deployStatusTaskLocator.id));
  const apps = await developer.call("GET", "/api/v1/private-apps");
  functionsAppId = apps.body.results.find((a: { uid: string }) => a.uid === "functions-suite").appId;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("private app logs in the console", () => {
  it("counts API calls on the Overview, lists and filters them, opens one and follows its trace", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "logs-app", scopes: ["crm.objects.contacts.read"] });
    for (let i = 0; i < 3; i++) expect((await call("GET", USAGE, token)).status).toBe(200);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=2", token)).status).toBe(200);
    expect((await call("GET", "/crm/v3/objects/contacts/999999999", token)).status).toBe(404);
    expect((await call("POST", "/crm/v3/objects/contacts/search", token, { filterGroups: "nope@example.com" })).status).toBe(400);
    // A missing scope: the app may read contacts, not companies.
    expect((await call("GET", "/crm/v3/objects/companies", token)).status).toBe(403);
    await server.platform.logs.flush();

    const { page, errors } = await signedIn(`/private-apps/${accountId}/${appId}/overview`);
    await expect.poll(() => page.getByTestId("total-api-calls").textContent()).toBe("7");
    await page.getByText("3 failed").first().waitFor();
    await page.getByRole("heading", { name: "API calls by status" }).waitFor();
    expect(await page.getByRole("figure", { name: "API calls by status" }).getByText("7 calls, 3 with status 400 or above.").count()).toBe(
      1,
    );
    await page.getByText("Last week", { exact: true }).click();
    await expect.poll(() => page.getByTestId("total-api-calls").textContent()).toBe("7");
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, "overview");

    await page.getByRole("tab", { name: "Logs" }).click();
    await expect.poll(() => rows(page).count()).toBe(7);
    await shot(page, "api-calls");
    await choose(page, "Status", "Errors (400 and up)");
    await expect.poll(() => rows(page).count()).toBe(3);
    await choose(page, "Status", "404");
    await expect.poll(() => rows(page).count()).toBe(1);
    await choose(page, "Status", "Any status");
    await page.getByRole("searchbox", { name: "Search" }).fill("companies");
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByRole("searchbox", { name: "Search" }).fill("");
    await choose(page, "Method", "POST");
    await expect.poll(() => rows(page).count()).toBe(1);
    await choose(page, "Time", "Last 15 minutes");
    await expect.poll(() => rows(page).count()).toBe(1);

    // The failed search: everything about it, bodies included, redacted.
    await rows(page).first().click();
    const detail = page.getByTestId("log-detail");
    await detail.waitFor();
    await page.getByRole("dialog", { name: "POST /crm/v3/objects/contacts/search" }).waitFor();
    await detail.getByText("console-logs-test/1.0", { exact: true }).waitFor();
    await detail
      .getByLabel("Response body")
      .getByText(/VALIDATION_ERROR/)
      .waitFor();
    expect(await detail.getByLabel("Request body").textContent()).toContain("nope@example.com");
    expect(await detail.getByLabel("Request headers").textContent()).toContain("[REDACTED]");
    expect(await detail.textContent()).not.toContain(token);
    const traceId = (await page.getByTestId("detail-trace-id").textContent())!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await page.getByRole("button", { name: "Copy trace ID" }).click();
    await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(traceId);
    await shot(page, "api-call-detail");

    await page.getByRole("link", { name: "View log trace" }).click();
    await page.waitForURL(`**/private-apps/${accountId}/${appId}/log-traces?traceId=${traceId}`);
    expect(await page.getByRole("textbox", { name: "Trace ID" }).inputValue()).toBe(traceId);
    const spans = page.getByTestId("trace-span");
    await expect.poll(() => spans.count()).toBe(1);
    expect(await spans.first().getAttribute("data-status")).toBe("ERROR");
    expect(await spans.first().textContent()).toContain("POST /crm/v3/objects/contacts/search");
    await shot(page, "trace-api-call");

    // A trace ID typed by hand: a malformed one is refused before asking, an unknown one says so.
    await page.getByRole("textbox", { name: "Trace ID" }).fill("not-a-trace");
    await page.getByText("A trace ID is 32 hexadecimal characters.").waitFor();
    expect(await page.getByRole("button", { name: "Show trace" }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("shows function runs with their logs and errors, and one trace holding a run and the API call it made", async () => {
    expect((await runFunction("echo", { text: "hello from the test" })).status).toBe(200);
    expect((await runFunction("fail")).status).toBe(400);
    const home = await runFunction("callHome");
    expect(home.body.response.status).toBe(200);
    const homeTrace = home.body.traceId as string;
    await server.platform.logs.flush();

    const { page, errors } = await signedIn(`/private-apps/${accountId}/${functionsAppId}/overview`);
    await expect.poll(() => page.getByTestId("total-function-runs").textContent()).toBe("3");
    // callHome's own call to the API is the app's API call.
    await expect.poll(() => page.getByTestId("total-api-calls").textContent()).toBe("1");
    await shot(page, "functions-overview");

    await page.getByRole("tab", { name: "Logs" }).click();
    await page.getByRole("tab", { name: "Serverless functions" }).click();
    expect(page.url()).toContain("/logs?type=functions");
    await expect.poll(() => rows(page).count()).toBe(3);
    await choose(page, "Outcome", "Not successful");
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).first().click();
    const detail = page.getByTestId("log-detail");
    await detail.getByText("the lookup service said no").first().waitFor();
    await detail
      .getByLabel("Stack")
      .getByText(/fail\.js/)
      .waitFor();
    await detail
      .getByText(admin.email)
      .or(detail.getByText(/\(CLI\)/))
      .first()
      .waitFor();
    await shot(page, "function-error");
    await page.keyboard.press("Escape");
    await detail.waitFor({ state: "detached" });

    await choose(page, "Outcome", "Any outcome");
    await choose(page, "Function", "echo");
    await expect.poll(() => rows(page).count()).toBe(1);
    // The keyboard opens a row too.
    await rows(page).first().focus();
    await page.keyboard.press("Enter");
    await detail
      .getByLabel("Function logs")
      .getByText(/echoing .*hello from the test/)
      .waitFor();
    await detail.getByText("MB peak").waitFor();
    await page.keyboard.press("Escape");

    await choose(page, "Function", "callHome");
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).first().click();
    await expect.poll(() => page.getByTestId("detail-trace-id").textContent()).toBe(homeTrace);
    await page.getByRole("link", { name: "View log trace" }).click();
    await page.waitForURL(`**/log-traces?traceId=${homeTrace}`);
    const tree = page.getByTestId("trace-tree");
    await expect.poll(() => tree.getByTestId("trace-span").count()).toBe(2);
    const [run, apiCall] = await tree.getByTestId("trace-span").all();
    expect(await run!.textContent()).toContain("function callHome");
    expect(await apiCall!.textContent()).toContain(`GET ${USAGE}`);
    // The API call sits under the run that made it.
    expect(await run!.getAttribute("data-depth")).toBe("0");
    expect(await apiCall!.getAttribute("data-depth")).toBe("1");
    await page
      .getByTestId("trace-summary")
      .getByText(/^2 events/)
      .waitFor();
    // A span opens its event's details.
    await apiCall!.click();
    await page.getByRole("dialog", { name: `GET ${USAGE}` }).waitFor();
    await shot(page, "trace-function-and-call");
    expect(errors).toEqual([]);
  });

  it("follows new API calls live", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "live-app", scopes: ["crm.objects.contacts.read"] });
    expect((await call("GET", USAGE, token)).status).toBe(200);
    await server.platform.logs.flush();
    const { page, errors } = await signedIn(`/private-apps/${accountId}/${appId}/logs?type=api-calls`);
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByText("Live", { exact: true }).click();
    await expect.poll(() => page.getByTestId("live-state").textContent()).toBe("Following new events");
    expect((await call("GET", "/crm/v3/objects/contacts/424242", token)).status).toBe(404);
    await rows(page).filter({ hasText: "/crm/v3/objects/contacts/424242" }).waitFor();
    // Live events honour the filters: a success does not join a list of errors.
    await choose(page, "Status", "Errors (400 and up)");
    await expect.poll(() => rows(page).count()).toBe(1);
    await expect.poll(() => page.getByTestId("live-state").textContent()).toBe("Following new events");
    expect((await call("GET", USAGE, token)).status).toBe(200);
    expect((await call("GET", "/crm/v3/objects/contacts/434343", token)).status).toBe(404);
    await rows(page).filter({ hasText: "/crm/v3/objects/contacts/434343" }).waitFor();
    expect(await rows(page).count()).toBe(2);
    await shot(page, "live");
    await page.getByText("Live", { exact: true }).click();
    expect(await page.getByRole("switch", { name: "Live" }).isChecked()).toBe(false);
    expect(errors).toEqual([]);
  });

  it("shows an endpoint function's full URL, on the endpoint listener, on the Extensions tab", async () => {
    const { page, errors } = await signedIn(`/private-apps/${accountId}/${functionsAppId}/extensions`);
    const table = page.getByTestId("extension-functions");
    await expect.poll(() => table.textContent()).toContain(`GET ${server.functionsUrl}/${accountId}/_hcms/api/hello`);
    expect(errors).toEqual([]);
  });

  it("shows each card's renders and errors on the Extensions tab and the render's log lines in its trace", async () => {
    const card = {
      uid: "deal-card",
      title: "Deal health",
      location: "crm.record.tab",
      objectTypes: ["deals"],
      bundle: "extensions/deal-card.js",
    };
    const { appId } = await createTestApp(server.platform, accountId, {
      uid: "cards-app",
      scopes: ["crm.objects.deals.read"],
      app: { cards: [card] },
    });
    const { page, errors } = await signedIn(`/private-apps/${accountId}/${appId}/extensions`);
    const { csrfToken } = (await (await page.context().request.get("/api/v1/session")).json()) as { csrfToken: string };
    const traceId = newTraceId();
    const spanId = newSpanId();
    const base = { appId, cardUid: "deal-card", location: "crm.record.tab", objectTypeId: "0-3", objectId: 7, traceId, spanId };
    const posted = await page.context().request.post("/api/v1/extension-events", {
      headers: { "x-csrf-token": csrfToken },
      data: [
        { ...base, kind: "LOG", level: "INFO", message: "loading deal 7" },
        { ...base, kind: "LOG", level: "ERROR", message: "lookup failed: 503" },
        { ...base, kind: "RENDER_FAILURE", message: "TypeError: deal.amount is undefined", durationMs: 42 },
        { ...base, traceId: newTraceId(), spanId: newSpanId(), kind: "RENDER_SUCCESS", durationMs: 30 },
      ],
    });
    expect(posted.status()).toBe(202);
    await server.platform.logs.flush();
    await page.reload();
    const row = page.getByTestId("card-deal-card");
    await expect.poll(() => row.getByTestId("card-renders").textContent()).toBe("2");
    expect(await row.textContent()).toContain("Deal health");
    expect(await row.textContent()).toContain("crm.record.tab");
    expect(await row.textContent()).toContain("deals");
    await row.getByRole("link", { name: "2 errors: open the extension logs" }).waitFor();
    await shot(page, "extensions");

    await page.goto(`/private-apps/${accountId}/${appId}/logs?type=extensions`);
    await expect.poll(() => rows(page).count()).toBe(4);
    await choose(page, "Level", "ERROR");
    await expect.poll(() => rows(page).count()).toBe(2);
    await choose(page, "Event", "RENDER_FAILURE");
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).first().click();
    await page.getByTestId("log-detail").getByText("TypeError: deal.amount is undefined").first().waitFor();
    await page.getByRole("link", { name: "View log trace" }).click();
    const tree = page.getByTestId("trace-tree");
    await expect.poll(() => tree.getByTestId("trace-span").count()).toBe(1);
    expect(await tree.getByTestId("trace-span").textContent()).toContain("render deal-card");
    expect(await tree.getByTestId("trace-log-line").allTextContents()).toEqual(["INFOloading deal 7", "ERRORlookup failed: 503"]);
    await shot(page, "trace-render");
    expect(errors).toEqual([]);
  });

  it("filters live events exactly as the server filters pages", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "filter-app", scopes: ["crm.objects.contacts.read"] });
    await call("GET", USAGE, token);
    await call("GET", "/crm/v3/objects/contacts?limit=1", token);
    await call("GET", "/crm/v3/objects/contacts/999", token);
    await call("POST", "/crm/v3/objects/contacts/search", token, { filterGroups: 1 });
    await call("GET", "/crm/v3/objects/companies", token);
    await runFunction("echo", { n: 1 });
    await runFunction("fail");
    await server.platform.logs.flush();
    const list = async (kind: LogKind, app: number, f: LogFilters) => {
      const res = await developer.call("GET", `/api/v1/private-apps/${app}/logs/${kind}?limit=200&${filterQuery(kind, f)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.results as LogEvent[];
    };
    const cases: Array<[LogKind, number, Partial<LogFilters>]> = [
      ...["success", "error", "2xx", "4xx", "404", "403"].map((status): [LogKind, number, Partial<LogFilters>] => [
        "api-calls",
        appId,
        { status },
      ]),
      ["api-calls", appId, { method: "POST" }],
      ["api-calls", appId, { q: "COMPANIES", since: "15m" }],
      ["api-calls", appId, { status: "error", method: "GET", q: "contacts" }],
      ...["success", "error", "ERROR"].map((status): [LogKind, number, Partial<LogFilters>] => ["functions", functionsAppId, { status }]),
      ["functions", functionsAppId, { function: "fail" }],
      ["functions", functionsAppId, { q: "lookup service" }],
    ];
    for (const [kind, app, partial] of cases) {
      const filters = { ...noFilters, ...partial };
      const all = await list(kind, app, noFilters);
      const kept = new Set((await list(kind, app, filters)).map((e) => e.id));
      expect(kept.size, JSON.stringify(partial)).toBeGreaterThan(0);
      for (const e of all)
        expect(matchesFilters(kind, filters, e, Date.now()), `${kind} ${JSON.stringify(partial)} event ${e.id}`).toBe(kept.has(e.id));
    }
  });

  it("scrolls through thousands of events keeping the DOM small, by mouse and keyboard", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "busy-app", scopes: [] });
    expect((await call("GET", USAGE, token)).status).toBe(200);
    await server.platform.logs.flush();
    const [stored] = await server.platform.store.db.selectFrom("api_calls").selectAll().where("app_id", "=", appId).execute();
    // History older than the request above, stored as the recorder stores calls.
    const { id: _id, ...template } = stored!;
    for (let i = 1; i <= 2500; i++) {
      server.platform.logs.sink.add("api_calls", {
        ...template,
        path: `/crm/v3/objects/contacts/${i}`,
        status: i % 10 === 0 ? 404 : 200,
        trace_id: newTraceId(),
        span_id: newSpanId(),
        created_at: template.created_at - i * 1000,
      });
    }
    await server.platform.logs.flush();

    const { page, errors } = await signedIn(`/private-apps/${accountId}/${appId}/logs`);
    await expect.poll(() => page.getByTestId("log-count").textContent()).toBe("100 events loaded, older ones below");
    expect(await rows(page).count()).toBeLessThan(40);
    const scroller = page.getByTestId("log-scroll");
    const loaded = async () => parseInt((await page.getByTestId("log-count").textContent())!, 10);
    // Reaching the end of the list loads the next page.
    for (const next of [200, 300]) {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect.poll(loaded).toBeGreaterThanOrEqual(next);
    }
    expect(await rows(page).count()).toBeLessThan(40);
    expect(await page.locator("tr").count()).toBeLessThan(45);
    await page.getByRole("button", { name: "Load older events" }).click();
    await expect.poll(loaded).toBeGreaterThanOrEqual(400);
    await shot(page, "large-history");

    // Keyboard: back to the top, down two rows, open, close.
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await page.locator('tr[data-index="0"]').focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "GET /crm/v3/objects/contacts/2" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await noHorizontalScroll(page)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("lists webhook deliveries with their tries, follows new ones live, and opens a try's body, answer and trace", async () => {
    const receiver = new WebhookReceiver();
    await receiver.listen();
    try {
      const appId = await deployWebhooksApp(developer, `${receiver.origin}/hooks`, async (uid) => {
        const apps = await developer.call("GET", "/api/v1/private-apps");
        return apps.body.results.find((a: { uid: string }) => a.uid === uid).appId;
      });
      const { client } = await crmClient(server, accountId);
      // The first try gets a 500 and is retried.
      receiver.answers.push(500);
      const first = await client.crm.contacts.basicApi.create({
        properties: { email: "first@example.com", firstname: "Ada" },
        associations: [],
      });
      await expect.poll(() => receiver.received.length).toBe(2);

      const { page, errors } = await signedIn(`/private-apps/${accountId}/${appId}/logs?type=webhooks`);
      const tries = page.getByTestId("webhook-row");
      await expect.poll(() => tries.count()).toBe(2);
      expect(await tries.nth(0).textContent()).toMatch(/delivered.*200.*2\s*2/);
      expect(await tries.nth(1).textContent()).toMatch(/retrying.*500.*1\s*2/);

      await page.getByText("Live", { exact: true }).click();
      await page.getByText("Following new events").waitFor();
      await client.crm.contacts.basicApi.create({ properties: { email: "second@example.com" }, associations: [] });
      await expect.poll(() => tries.count()).toBe(3);
      expect(await tries.nth(0).textContent()).toMatch(/delivered.*200.*1\s*1/);
      await shot(page, "webhooks");

      await tries.nth(2).click();
      const detail = page.getByTestId("webhook-detail");
      await page.getByRole("dialog", { name: "Webhook delivery, try 1" }).waitFor();
      expect(await detail.getByLabel("Request body").textContent()).toContain(`"objectId": ${first.id}`);
      expect(await detail.getByLabel("Response").textContent()).toBe(`${receiver.origin}/hooks answered 500: try later`);
      await shot(page, "webhook-detail");
      await detail.getByRole("link", { name: "View log trace" }).click();
      await page.waitForURL(/\/log-traces\?traceId=[0-9a-f]{32}$/);
      const spans = page.getByTestId("trace-span");
      await expect.poll(() => spans.count()).toBe(2);
      expect(await spans.nth(0).getAttribute("data-status")).toBe("ERROR");
      expect(await spans.nth(1).textContent()).toContain("try 2: 200");
      expect(errors).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
