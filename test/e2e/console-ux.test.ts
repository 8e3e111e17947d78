// Issue 23 items 3, 7 and 9 in Debian's Chromium: builds named by their project number and linked, apps and projects
// linked both ways, an invitation from Settings › Users to a signed-in invitee, and the smaller points (emails for
// people, whole log badges, labelled chart axes, a bad trace id, a bad secret name, app order, a 390 px wide screen).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { deployProjectDir, ProjectApi, zipFixtureSource } from "../../packages/server/test/support/project-api";
import { createAccount } from "../../packages/server/src/accounts/account-service";
import { ingestExtensionEvents } from "../../packages/server/src/logs/extension-events";
import { newSpanId, newTraceId } from "../../packages/server/src/logs/trace-context";
import { launchChromium, signedInPage } from "./fixtures/card-projects";

const FUNCTIONS_PROJECT = path.resolve(import.meta.dirname, "../../packages/server/test/fixtures/functions-project");
const screenshots = path.resolve(import.meta.dirname, "../../test-results/console-ux");
const engine = process.env.SPROCKET_TEST_DB ?? "sqlite";

let server: TestServer;
let browser: Browser;
let accountId: number;
let appId: number;
let admin: { email: string; password: string };
// The admin's signed-in tab, shared by the tests: a fresh context is a new renderer process and a cold load of the
// console, which was most of a test's CPU. Each test still loads its own URL and fails on the errors since it began.
let tab: { page: Page; errors: string[] };

/** The shared tab at `url`, with the errors since this call. */
async function open(url: string) {
  tab.errors.length = 0;
  await tab.page.goto(url);
  return tab;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `${engine}-${name}.png`), fullPage: true, animations: "disabled" });

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startTestServer({ demoCrm: false });
  accountId = server.bootstrap.info.accountId;
  admin = server.bootstrap.info.superAdmin;
  const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  // A build of another project first (it fails to bundle), so the functions project's build #1 has internal id 2:
  // a page that showed the internal id would say #2.
  await api.call("POST", "/developer/projects/v1", { body: { name: "function-syntax-error" } });
  const spacer = await api.upload("function-syntax-error", await zipFixtureSource("function-syntax-error"), { platformVersion: "2023.2" });
  await api.waitForBuild("function-syntax-error", spacer.body.buildId);
  await deployProjectDir(api, FUNCTIONS_PROJECT);
  appId = (await api.call("GET", "/api/v1/private-apps/functions-suite")).body.appId;
  // A function run (named by the internal build id in its log event) and a render from the admin, in one trace.
  await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: "fail", parameters: {} },
  });
  const user = await server.platform.store.db.selectFrom("users").select("id").where("email", "=", admin.email).executeTakeFirstOrThrow();
  await ingestExtensionEvents(server.platform, { accountId, userId: user.id, email: admin.email, via: "session" }, [
    {
      appId,
      cardUid: "badge-card",
      location: "crm.record.tab",
      kind: "RENDER_SUCCESS",
      level: "INFO",
      traceId: newTraceId(),
      spanId: newSpanId(),
    },
    {
      appId,
      cardUid: "badge-card",
      location: "crm.record.tab",
      kind: "RENDER_FAILURE",
      level: "ERROR",
      message: "TypeError: x",
      traceId: newTraceId(),
      spanId: newSpanId(),
    },
    {
      appId,
      cardUid: "badge-card",
      location: "crm.record.tab",
      kind: "LOG",
      level: "DEBUG",
      message: "hello",
      traceId: newTraceId(),
      spanId: newSpanId(),
    },
  ]);
  // Apps whose names sort differently as text and as people count.
  for (const uid of ["sort-app-10", "sort-app-2", "sort-app-1"]) await createTestApp(server.platform, accountId, { uid, scopes: [] });
  browser = await launchChromium();
  tab = await signedInPage(browser, server.url, admin);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** True when every element the selector finds shows its whole text (no ellipsis, no clipping). */
const allWhole = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.length > 0 && els.every((el) => el.scrollWidth <= el.clientWidth));

describe("console UX", () => {
  it("names builds by their project number with links, links apps and projects both ways, and names people by email", async () => {
    const { page, errors } = await open(`/private-apps/${accountId}/${appId}/overview`);
    const facts = page.locator("dl").first();
    await facts.getByTestId("project-link").getByText("functions-suite").waitFor();
    expect(await facts.getByTestId("build-link").textContent()).toBe("#1");
    // Chart axes say what they count, in whole numbers.
    await page.getByText("Calls", { exact: true }).first().waitFor();
    expect(await page.getByText("Time", { exact: true }).count()).toBeGreaterThan(0);
    await shot(page, "overview");

    await page.getByRole("tab", { name: "Extensions" }).click();
    expect(await page.getByTestId("build-link").first().textContent()).toBe("#1");

    await page.goto(`/private-apps/${accountId}/${appId}/logs?type=functions`);
    await page.getByTestId("log-row").first().click();
    const detail = page.getByTestId("log-detail");
    await detail.getByText("Invoked by").waitFor();
    expect(await detail.getByText(admin.email).count()).toBeGreaterThan(0);
    await detail.getByTestId("build-link").click();
    await page.waitForURL(`**/developer-projects/${accountId}/project/functions-suite/build/1`);
    await page.getByText("Steps").waitFor();

    // The project names its app and links to it.
    await page.goto(`/developer-projects/${accountId}/project/functions-suite`);
    const apps = page.getByTestId("project-apps");
    await apps.getByRole("link", { name: "Functions suite" }).waitFor();
    expect(await apps.textContent()).toContain("(live build #1)");
    await apps.getByRole("link", { name: "Functions suite" }).click();
    await page.waitForURL(`**/private-apps/${accountId}/${appId}/overview`);

    // The app list: the project column, and names in the order people count.
    await page.goto(`/private-apps/${accountId}`);
    const list = page.getByTestId("private-apps");
    await list.getByRole("link", { name: "functions-suite" }).waitFor();
    const names = await list.locator("tbody tr td:first-child a:first-child").allTextContents();
    expect(names.filter((n) => n.startsWith("sort-app"))).toEqual(["sort-app-1", "sort-app-2", "sort-app-10"]);
    expect(errors).toEqual([]);
  });

  it("shows whole log badges, the render's user by email, and a clear not-found for a bad trace id", async () => {
    const { page, errors } = await open(`/private-apps/${accountId}/${appId}/logs?type=extensions`);
    await expect.poll(() => page.getByTestId("log-row").count()).toBe(3);
    expect(await allWhole(page, "[data-testid=log-row] .mantine-Badge-label")).toBe(true);
    await page.getByTestId("log-row").first().click();
    await page.getByTestId("log-detail").getByText(admin.email).waitFor();
    await shot(page, "extension-logs");
    await page.keyboard.press("Escape");

    await page.goto(`/private-apps/${accountId}/${appId}/log-traces?traceId=not-a-trace`);
    await page.getByRole("heading", { name: "Trace not found" }).waitFor();
    await page.getByText("“not-a-trace” is not a trace ID").waitFor();
    await page.getByRole("link", { name: "Functions suite's logs" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("refuses a bad secret name as it is typed, with the rule", async () => {
    const { page, errors } = await open(`/settings/${accountId}/secrets`);
    await page.getByLabel("Secret name").fill("1-BAD NAME");
    await page.getByLabel("Value", { exact: true }).fill("x");
    await page.getByText("Not a valid secret name: use letters, digits and underscores").waitFor();
    expect(await page.getByRole("button", { name: "Add secret" }).isDisabled()).toBe(true);
    await page.getByLabel("Secret name").fill("GOOD_NAME");
    expect(await page.getByRole("button", { name: "Add secret" }).isDisabled()).toBe(false);
    await shot(page, "secret-name");
    expect(errors).toEqual([]);
  });

  it("invites a person from Settings › Users; the link signs them in once, and they switch accounts from the header", async () => {
    const { page, errors } = await open(`/settings/${accountId}/users`);
    await page.getByLabel("Email").fill("invitee@example.com");
    await page.getByRole("textbox", { name: "Role", exact: true }).click();
    await page.getByRole("option", { name: "Admin", exact: true }).click();
    await page.getByRole("button", { name: "Create invite link" }).click();
    const url = (await page.getByTestId("invite-url").textContent())!;
    expect(url).toMatch(new RegExp(`^${server.url}/invite/inv_`));
    await page.getByRole("table", { name: "Pending invitations" }).getByText("invitee@example.com").waitFor();
    await shot(page, "invite-created");
    expect(errors).toEqual([]);

    // The invitee, in a browser of their own with nobody signed in.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url });
    const invitee = await context.newPage();
    await invitee.goto(url);
    await invitee.getByRole("heading", { name: /^Join / }).waitFor();
    await invitee.getByLabel("First name").fill("Ivy");
    await invitee.getByLabel("Choose a password").fill("short");
    await invitee.getByText("At least 8 characters.").waitFor();
    await invitee.getByLabel("Choose a password").fill("a-long-password");
    await shot(invitee, "invite-accept");
    await invitee.getByRole("button", { name: /^Join / }).click();
    await invitee.waitForURL(`**/contacts/${accountId}/objects/0-1`);
    expect(await invitee.getByTestId("signed-in-as").textContent()).toBe("invitee@example.com");

    // Now in a second account too, they switch from the header; the URL and the session follow.
    const second = await createAccount(server.platform, {
      name: "Ivy's own account",
      admin: { email: "invitee@example.com", password: "a-long-password" },
    });
    await invitee.goto(`/settings/${accountId}/users`);
    // Every account switch the page asks for: one, to the account chosen. The header once switched and then
    // navigated, and the page's account gate could switch back to the account still in the URL (seen once in CI).
    const switches: unknown[] = [];
    invitee.on("request", (request) => {
      if (request.method() === "PUT" && request.url().endsWith("/api/v1/session/account")) switches.push(request.postDataJSON());
    });
    await invitee.getByRole("textbox", { name: "Account" }).click();
    await invitee.getByRole("option", { name: new RegExp(`Ivy's own account \\(${second.accountId}\\)`) }).click();
    await invitee.waitForURL(`**/settings/${second.accountId}/users`);
    await invitee
      .getByRole("textbox", { name: "Account" })
      .and(invitee.locator(`[value*="(${second.accountId})"]`))
      .waitFor();
    const session = await context.request.get(`${server.url}/api/v1/session`);
    expect(((await session.json()) as { accountId: number }).accountId).toBe(second.accountId);
    expect(switches).toEqual([{ accountId: second.accountId }]);
    await shot(invitee, "switched-account");

    // The link is spent.
    await invitee.goto(url);
    await invitee.getByRole("heading", { name: "Invitation not found" }).waitFor();
    await context.close();
  });

  it("stays usable 390 px wide: the navigation folds behind a menu button and nothing widens the page", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: server.url });
    const signIn = await context.request.post("/api/v1/session", { data: admin });
    expect(signIn.status()).toBe(200);
    // A contact to open: the record page was the one unusable on a phone.
    const contact = await context.request.post("/crm/v3/objects/contacts", {
      headers: { "x-csrf-token": ((await signIn.json()) as { csrfToken: string }).csrfToken },
      data: { properties: { email: "narrow@example.com", firstname: "Narrow", lastname: "Screen" } },
    });
    expect(contact.status()).toBe(201);
    const contactId = ((await contact.json()) as { id: string }).id;
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const pageWidth = () => page.evaluate<number>("document.documentElement.scrollWidth");
    await page.goto(`/contacts/${accountId}/record/0-1/${contactId}`);
    await page.getByText("narrow@example.com").first().waitFor();
    expect(await pageWidth(), "record page").toBeLessThanOrEqual(390);
    await shot(page, "narrow-record");
    for (const url of [
      `/contacts/${accountId}/objects/0-1`,
      `/private-apps/${accountId}`,
      `/private-apps/${accountId}/${appId}/logs?type=extensions`,
      `/settings/${accountId}/users`,
    ]) {
      await page.goto(url);
      await page.locator("main table").first().waitFor();
      expect(await pageWidth(), url).toBeLessThanOrEqual(390);
    }
    const nav = page.getByRole("navigation", { name: "Main" });
    // A folded navigation is slid off the left edge (still in the DOM).
    const navShown = async () => {
      const box = await nav.boundingBox();
      return box !== null && box.x + box.width > 0;
    };
    expect(await navShown()).toBe(false);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await nav.getByRole("link", { name: "Projects" }).click();
    await page.waitForURL(`**/developer-projects/${accountId}`);
    await expect.poll(navShown).toBe(false);
    await page.goto(`/private-apps/${accountId}/${appId}/logs?type=extensions`);
    await page.getByTestId("log-row").first().waitFor();
    await shot(page, "narrow-logs");
    expect(errors).toEqual([]);
    await context.close();
  });
});
