// The web console in Debian's Chromium against a real server: sign-in, tokens, roles, CRM edits, projects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createAccount } from "../../packages/server/src/accounts/account-service";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { ProjectApi, zipFixtureSource } from "../../packages/server/test/support/project-api";
import { bearerCall } from "./support/bearer-call";

const screenshots = path.resolve(import.meta.dirname, "../../test-results/console");
const engine = process.env.SPROCKET_TEST_DB ?? "sqlite";
let server: TestServer;
let browser: Browser;
let accountId: number;
const admin = { email: "", password: "" };
const member = { email: "member@example.com", password: "", ownAccountId: 0 };

const call = (method: string, url: string, token: string, body?: unknown) => bearerCall(server.url, method, url, token, body);

/** A page that fails the test on any console error or uncaught exception. */
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

// One signed-in tab per user, shared by the tests that only need someone signed in: a fresh context is a new renderer
// process and a cold load of the console's assets, which was most of a test's CPU. Each such test still loads its own
// URL and fails on the console errors since it began.
const tabs = new Map<string, Promise<{ page: Page; errors: string[] }>>();

/** `who`'s shared tab, signed in through the API (the form has its own test) so it never sees the signed-out 401, at `url`. */
async function signedIn(who: { email: string; password: string }, url: string): Promise<{ page: Page; errors: string[] }> {
  let tab = tabs.get(who.email);
  if (!tab) {
    tab = openPage().then(async ({ page, errors }) => {
      expect((await page.context().request.post("/api/v1/session", { data: who })).status()).toBe(200);
      return { page, errors };
    });
    tabs.set(who.email, tab);
  }
  const { page, errors } = await tab;
  errors.length = 0;
  await page.goto(url);
  await page.getByTestId("signed-in-as").waitFor();
  return { page, errors };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${engine}-${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startTestServer();
  accountId = server.bootstrap.info.accountId;
  Object.assign(admin, server.bootstrap.info.superAdmin);
  // A user who is super admin of their own account but only a plain user of the demo account.
  const other = await createAccount(server.platform, { name: "Member's own account", admin: { email: member.email } });
  member.password = other.superAdmin.password;
  member.ownAccountId = other.accountId;
  const user = await server.platform.store.db.selectFrom("users").select("id").where("email", "=", member.email).executeTakeFirstOrThrow();
  await server.platform.store.db.insertInto("memberships").values({ account_id: accountId, user_id: user.id, role: "user" }).execute();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("console", () => {
  it("serves the SPA with security headers, long-cached assets, and JSON 404s to API clients", async () => {
    const html = await fetch(`${server.url}/private-apps/${accountId}/1/auth`, { headers: { accept: "text/html" } });
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.headers.get("x-frame-options")).toBe("DENY");
    expect(html.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(html.headers.get("referrer-policy")).toBe("same-origin");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(server.url + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toContain("immutable");
    const worker = await fetch(`${server.url}/extension-host/worker.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-security-policy")).toContain("connect-src 'none'");
    const api = await fetch(`${server.url}/crm/v3/nothing-here`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ status: "error", category: "RESOURCE_NOT_FOUND" });
    const json = await fetch(`${server.url}/contacts/${accountId}/objects/0-1`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
  });

  it("loads the contacts page's scripts at once and asks the API nothing: the server rendered its first screen", async () => {
    const url = `/contacts/${accountId}/objects/0-1`;
    const html = await (await fetch(server.url + url, { headers: { accept: "text/html" } })).text();
    // The shell and the contacts page are one chunk (vite.app.config.ts), named in every page's head. Signed out, the page
    // asks for the session early.
    const chunk = /<link rel="modulepreload" crossorigin href="(\/assets\/first-screen-[^"]+\.js)">/.exec(html)?.[1];
    expect(chunk).toBeDefined();
    expect(html).toContain('<link rel="preload" href="/api/v1/session" as="fetch" crossorigin="anonymous" />');
    const { context, page, errors } = await openPage();
    expect((await page.context().request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    const total = (await page
      .context()
      .request.post("/crm/v3/objects/contacts/search", {
        data: { limit: 1 },
        headers: { "x-csrf-token": (await (await page.context().request.get("/api/v1/session")).json()).csrfToken },
      })
      .then((r) => r.json())) as { total: number };
    const requestsOf = () =>
      // In the page: the browser's own record of each request (this file is type-checked without the DOM's types).
      page.evaluate(() =>
        (globalThis as any).performance.getEntriesByType("resource").map((e: any) => ({
          path: new URL(e.name).pathname,
          by: String(e.initiatorType),
          start: Number(e.startTime),
          end: Number(e.responseEnd),
        })),
      );
    await page.goto(url);
    await page.getByRole("table", { name: "Contacts" }).locator("tbody tr a").first().waitFor();
    await expect.poll(() => page.getByTestId("record-total").textContent()).toBe(`${total.total.toLocaleString("en-US")} contacts`);
    await page.waitForLoadState("networkidle");
    const requests = await requestsOf();
    const at = (path: string) => requests.filter((r: { path: string }) => r.path === path);
    // The page's chunk once, by its hint: asked for before the entry script had even arrived.
    const entry = requests.find((r: { by: string }) => r.by === "script");
    expect(at(chunk!)).toHaveLength(1);
    expect(at(chunk!)[0].start).toBeLessThan(entry.end);
    // A few script files (the entry, Vite's preload helper, the shell's chunk and its facade, rolldown's runtime: all
    // named in the page's head) and the styles; the session, properties, search, schemas and app pages came with the page.
    expect(requests.filter((r: { path: string }) => r.path.endsWith(".js")).length).toBeLessThanOrEqual(5);
    expect(requests.filter((r: { path: string }) => !r.path.startsWith("/assets/"))).toEqual([]);

    // A column choice of the browser's own is another search: the page renders afresh and asks for that one alone.
    await page.evaluate(() => (globalThis as any).localStorage.setItem("sprocket.columns.0-1", JSON.stringify(["email"])));
    await page.reload();
    await page.getByRole("columnheader", { name: "Email" }).waitFor();
    await expect.poll(() => page.getByRole("columnheader").count()).toBe(2);
    await page.waitForLoadState("networkidle");
    const api = (await requestsOf()).filter((r: { path: string }) => !r.path.startsWith("/assets/"));
    expect(api.map((r: { path: string }) => r.path)).toEqual(["/crm/v3/objects/contacts/search"]);
    await page.evaluate(() => (globalThis as any).localStorage.clear());
    expect(errors).toEqual([]);
    await context.close();
  });

  it("refuses a wrong password and signs in and out", async () => {
    const { context, page, errors } = await openPage();
    await page.goto("/");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByText("Wrong email or password.").count()).toBe(1);
    await shot(page, "sign-in");
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").waitFor();
    expect(page.url()).toContain(`/contacts/${accountId}/objects/0-1`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Password").waitFor();
    // The session is gone on the server too.
    await page.reload();
    await page.getByLabel("Password").waitFor();
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
    await context.close();
  });

  it("shows, copies and rotates a private app's token, and records it as security events", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "token-app", scopes: ["crm.objects.contacts.read"] });
    const { page, errors } = await signedIn(admin, `/private-apps/${accountId}`);
    await expect.poll(() => page.getByTestId("app-count").textContent()).toMatch(/^\d+ of 20 apps$/);
    await shot(page, "private-apps");
    await page.getByRole("link", { name: "token-app" }).click();
    await page.getByRole("tab", { name: "Auth" }).click();
    expect(page.url()).toContain(`/private-apps/${accountId}/${appId}/auth`);
    const shown = page.getByTestId("app-token");
    expect(await shown.textContent()).not.toContain(token);
    await page.getByRole("button", { name: "Show access token" }).click();
    await expect.poll(() => shown.textContent()).toBe(token);
    await page.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(token);
    await shot(page, "app-auth");

    await page.getByRole("button", { name: "Rotate" }).click();
    await page.getByRole("menuitem", { name: /expire the old token in 7 days/ }).click();
    await expect.poll(() => shown.textContent()).not.toBe(token);
    const rotated = (await shown.textContent())!;
    expect(rotated).toMatch(/^pat-na1-/);
    await page.getByTestId("previous-token").waitFor();
    // Both tokens work until the old one is expired.
    expect((await call("GET", "/crm/v3/objects/contacts?limit=1", token)).status).toBe(200);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=1", rotated)).status).toBe(200);
    await page.getByRole("button", { name: "Expire old token now" }).click();
    await expect.poll(() => page.getByTestId("previous-token").count()).toBe(0);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=1", token)).status).toBe(401);

    await page.getByRole("button", { name: "Rotate" }).click();
    await page.getByRole("menuitem", { name: /Rotate now/ }).click();
    await expect.poll(() => shown.textContent()).not.toBe(rotated);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=1", rotated)).status).toBe(401);

    await page.getByRole("tab", { name: "Logs" }).click();
    await page.getByRole("tab", { name: "Security" }).click();
    for (const type of ["TOKEN_VIEWED", "TOKEN_ROTATED_LATER", "OLD_TOKEN_EXPIRED", "TOKEN_ROTATED"])
      await page.getByText(type, { exact: true }).first().waitFor();
    await shot(page, "app-logs");
    for (const tab of ["Overview", "Log Traces", "Extensions"]) {
      await page.getByRole("tab", { name: tab }).click();
      await shot(page, `app-${tab.toLowerCase().replace(" ", "-")}`);
    }
    expect(errors).toEqual([]);
  });

  it("adds, replaces and deletes a function secret, never showing its value", async () => {
    const { page, errors } = await signedIn(admin, `/settings/${accountId}/secrets`);
    await page.getByLabel("Secret name").fill("GREETING");
    await page.getByLabel("Value").fill("Bonjour-s3cret");
    await page.getByRole("button", { name: "Add secret" }).click();
    await page.getByRole("cell", { name: "GREETING", exact: true }).waitFor();
    await page.getByLabel("Secret name").fill("GREETING");
    await page.getByLabel("Value").fill("Hej-s3cret");
    await page.getByRole("button", { name: "Replace value" }).click();
    await page.getByText("GREETING updated").waitFor();
    await shot(page, "settings-secrets");
    expect(await page.content()).not.toContain("s3cret");
    const stored = await server.platform.store.db
      .selectFrom("secrets")
      .select("value_sealed")
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    expect(server.platform.box.open(stored.value_sealed)).toBe("Hej-s3cret");
    await page.getByRole("button", { name: "Delete secret GREETING" }).click();
    await page.getByText("No secrets yet").waitFor();
    expect(errors).toEqual([]);
  });

  it("lists the account's users and lets a super admin change a role", async () => {
    const { page, errors } = await signedIn(admin, `/settings/${accountId}/users`);
    const role = page.getByRole("textbox", { name: `Role of ${member.email}` });
    await role.click();
    await page.getByRole("option", { name: "Admin", exact: true }).click();
    await expect
      .poll(
        async () =>
          (
            await server.platform.store.db
              .selectFrom("memberships")
              .innerJoin("users", "users.id", "memberships.user_id")
              .select("role")
              .where("account_id", "=", accountId)
              .where("email", "=", member.email)
              .executeTakeFirstOrThrow()
          ).role,
      )
      .toBe("admin");
    await shot(page, "settings-users");
    await role.click();
    await page.getByRole("option", { name: "User", exact: true }).click();
    await expect
      .poll(
        async () =>
          (
            await server.platform.store.db
              .selectFrom("memberships")
              .innerJoin("users", "users.id", "memberships.user_id")
              .select("role")
              .where("account_id", "=", accountId)
              .where("email", "=", member.email)
              .executeTakeFirstOrThrow()
          ).role,
      )
      .toBe("user");
    expect(errors).toEqual([]);
  });

  it("deletes an app only once its name is typed", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { uid: "doomed-app", scopes: ["crm.objects.contacts.read"] });
    const { page, errors } = await signedIn(admin, `/private-apps/${accountId}/${appId}/auth`);
    await page.getByRole("button", { name: "Delete app" }).click();
    const confirm = page.getByRole("button", { name: "Delete permanently" });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel("App name").fill("doomed");
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel("App name").fill("doomed-app");
    await confirm.click();
    await page.waitForURL(`**/private-apps/${accountId}`);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=1", token)).status).toBe(401);
    expect(errors).toEqual([]);
  });

  it("hides private apps and tokens from a user who is not a super admin", async () => {
    const { appId } = await createTestApp(server.platform, accountId, { uid: "secret-app", scopes: ["crm.objects.contacts.read"] });
    const { page } = await signedIn(member, `/private-apps/${accountId}/${appId}/auth`);
    await page.getByText("Only super admins can manage private apps and see their tokens.").waitFor();
    expect(await page.getByTestId("app-token").count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Private apps" }).count()).toBe(0);
    // The account switcher lists both of the member's accounts.
    expect(await page.getByRole("textbox", { name: "Account" }).inputValue()).toContain(String(accountId));
    await shot(page, "not-super-admin");
  });

  it("edits a contact with inline validation errors, and the API sees the change", async () => {
    const { token } = await createTestApp(server.platform, accountId, {
      uid: "crm-writer",
      scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
    });
    const created = await call("POST", "/crm/v3/objects/contacts", token, {
      properties: { firstname: "Ada", lastname: "Lovelace", email: "ada@example.com" },
    });
    expect(created.status).toBe(201);
    const { page, errors } = await signedIn(admin, `/contacts/${accountId}/objects/0-1`);
    await page.getByLabel("Search contacts").fill("Lovelace");
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    expect(page.url()).toContain(`/contacts/${accountId}/record/0-1/${created.body.id}`);
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Email", { exact: true }).fill("not an email");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").or(page.locator("[id$=-error]")).first().waitFor();
    await shot(page, "contact-invalid");
    await page.getByLabel("Email", { exact: true }).fill("ada@engines.example");
    await page.getByLabel("First Name", { exact: true }).fill("Augusta");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Augusta Lovelace" }).waitFor();
    const read = await call("GET", `/crm/v3/objects/contacts/${created.body.id}?properties=firstname&properties=email`, token);
    expect(read.body.properties).toMatchObject({ firstname: "Augusta", email: "ada@engines.example" });
    await shot(page, "contact-record");
    await page.getByRole("link", { name: "Contacts" }).first().click();
    await page.getByRole("table", { name: "Contacts" }).waitFor();
    await shot(page, "contacts");
    // The one failed request is the deliberately invalid save.
    expect(errors).toEqual(["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
  });

  // Uploaded through the API the CLI calls, as its `project upload` does (create, upload with a message, follow the build
  // and its deploy): the CLI's own path is packages/cli/test/project-commands.test.ts's subject; this one's is the console.
  it("lists an uploaded project, its builds and a build's steps", async () => {
    const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    expect((await api.call("POST", "/developer/projects/v1", { body: { name: "seed-example" } })).status).toBe(201);
    const upload = await api.upload("seed-example", await zipFixtureSource("seed-example"), {
      platformVersion: "2023.2",
      uploadMessage: "from the console test",
    });
    expect(upload.status).toBe(200);
    const build = await api.waitForBuild("seed-example", upload.body.buildId as number);
    expect(build.status).toBe("SUCCESS");
    expect((await api.waitForDeploy("seed-example", build.autoDeployId)).status).toBe("SUCCESS");
    const { page, errors } = await signedIn(admin, `/developer-projects/${accountId}`);
    await shot(page, "projects");
    await page.getByRole("link", { name: /seed/ }).first().click();
    await page.getByRole("table", { name: "Build history" }).getByText("from the console test").waitFor();
    await page.getByText("CLI upload").first().waitFor();
    await shot(page, "project");
    await page.getByRole("link", { name: "#1" }).click();
    await page.getByText("Steps").waitFor();
    await shot(page, "build");
    await page.getByRole("link", { name: /seed/ }).first().click();
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByText("Deploy successful builds automatically").waitFor();
    await shot(page, "project-settings");
    expect(errors).toEqual([]);
  });
  it("follows a deploy the app limit refuses to FAILED with its reason, and lists deploys with who, when and build", async () => {
    const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    expect((await api.call("POST", "/developer/projects/v1", { body: { name: "minimal-async" } })).status).toBeLessThan(300);
    const upload = await api.upload("minimal-async", await zipFixtureSource("minimal-async"), {
      platformVersion: "2025.1",
      uploadMessage: "over the limit",
      skipAutoDeploy: true,
    });
    const buildId = upload.body.buildId as number;
    expect((await api.waitForBuild("minimal-async", buildId)).status).toBe("SUCCESS");
    const accounts = server.platform.store.db.updateTable("accounts").where("id", "=", accountId);
    const { max_private_apps: limit } = await server.platform.store.db
      .selectFrom("accounts")
      .select("max_private_apps")
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    // A full account: the deploy is queued, then refused when it would create one app too many.
    await accounts.set({ max_private_apps: 0 }).execute();
    try {
      const { page, errors } = await signedIn(admin, `/developer-projects/${accountId}/project/minimal-async/build/${buildId}`);
      await page.getByRole("button", { name: "Deploy this build" }).click();
      const progress = page.getByTestId("deploy-progress");
      await expect.poll(() => progress.getAttribute("data-status")).toBe("FAILURE");
      expect(await progress.textContent()).toMatch(/Deploy #\d+ failed.*would create 1 private app.*limit of 0/);
      await shot(page, "deploy-failed");
      await progress.getByRole("link", { name: "Deploy history" }).click();
      const history = page.getByRole("table", { name: "Deploy history" });
      await history.waitFor();
      const row = history.locator("tr[data-status=FAILURE]").first();
      expect(await row.textContent()).toMatch(new RegExp(`FAILED.*Build #${buildId}.*${admin.email.replace(/[.+]/g, "\\$&")}`));
      // When: a date, not the placeholder.
      expect(await row.locator("td").nth(4).textContent()).not.toBe("—");
      await row.getByRole("link", { name: `Build #${buildId}` }).waitFor();
      expect(await history.getByText(/would create 1 private app/).count()).toBe(1);
      await shot(page, "deploy-history");
      expect(errors).toEqual([]);
    } finally {
      await accounts.set({ max_private_apps: limit }).execute();
    }
  });

  it("creates a contact in the console, lists it and deletes it after a confirmation", async () => {
    const { page, errors } = await signedIn(admin, `/contacts/${accountId}/objects/0-1`);
    await page.getByRole("button", { name: "Create contact" }).click();
    const form = page.getByRole("dialog", { name: "Create contact" });
    await form.getByLabel("First Name", { exact: true }).fill("Hypatia");
    await form.getByLabel("Last Name", { exact: true }).fill("Alexandrova");
    await form.getByLabel("Email", { exact: true }).fill("hypatia@library.example");
    await shot(page, "contact-create");
    await form.getByRole("button", { name: "Create", exact: true }).click();
    await form.waitFor({ state: "hidden" });
    await page.getByLabel("Search contacts").fill("Alexandrova");
    await page.getByRole("link", { name: "Hypatia Alexandrova" }).click();
    const id = /\/record\/0-1\/(\d+)$/.exec(page.url())?.[1];
    expect(id).toBeDefined();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog", { name: "Delete Hypatia Alexandrova?" }).getByRole("button", { name: "Delete contact" }).click();
    await page.waitForURL(`**/contacts/${accountId}/objects/0-1`);
    await page.getByLabel("Search contacts").fill("Alexandrova");
    await page.getByText("No contacts match “Alexandrova”").waitFor();
    const { token } = await createTestApp(server.platform, accountId, { uid: "crm-reader", scopes: ["crm.objects.contacts.read"] });
    expect((await call("GET", `/crm/v3/objects/contacts/${id}`, token)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it("says how to add records to an account without any, and what was not found with a way back", async () => {
    const { page, errors } = await signedIn(member, `/contacts/${member.ownAccountId}/objects/0-1`);
    await page.getByText("No contacts yet").waitFor();
    await page.getByText(`sprocket admin seed --account ${member.ownAccountId}`).waitFor();
    await shot(page, "contacts-empty");
    await page.goto(`/contacts/${member.ownAccountId}/record/0-1/987654321`);
    const notFound = page.getByTestId("not-found");
    await notFound.getByRole("heading", { name: "Contact not found" }).waitFor();
    expect(await notFound.textContent()).toContain("no contact with id “987654321”");
    expect(await page.getByRole("alert").count()).toBe(0);
    await shot(page, "record-not-found");
    await notFound.getByRole("link", { name: /All contacts/ }).click();
    await page.waitForURL(`**/contacts/${member.ownAccountId}/objects/0-1`);
    await page.goto(`/developer-projects/${member.ownAccountId}/project/no-such-project`);
    await notFound.getByRole("heading", { name: "Project not found" }).waitFor();
    expect(await notFound.textContent()).not.toContain("sprocket project upload");
    await notFound.getByRole("link", { name: /All projects/ }).click();
    await page.waitForURL(`**/developer-projects/${member.ownAccountId}`);
    await page.goto("/no/such/page");
    await notFound.getByRole("heading", { name: "Page not found" }).waitFor();
    await page.goto("/contacts/1/objects/0-1");
    await notFound.getByRole("heading", { name: "Account not found" }).waitFor();
    await notFound.getByRole("link", { name: /This page in/ }).click();
    await page.waitForURL(/\/contacts\/\d+\/objects\/0-1$/);
    expect(page.url()).not.toContain("/contacts/1/");
    // The only errors are the 404 answers the pages were built to explain.
    expect(new Set(errors)).toEqual(new Set(["Failed to load resource: the server responded with a status of 404 (Not Found)"]));
  });
});
