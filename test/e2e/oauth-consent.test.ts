// The OAuth install flow in Debian's Chromium: the developer's Auth tab, then a customer's super admin consents on the
// plain consent page and the browser lands on the app's redirect URL with a code the app can exchange.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { Client } from "@hubspot/api-client";
import { createAccount } from "../../packages/server/src/accounts/account-service";
import { appClientSecret } from "../../packages/server/src/apps/client-secret";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";

const REDIRECT = "http://localhost:3000/oauth-callback";
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("OAuth install in a browser", () => {
  it("shows the client id and install URL on the Auth tab; consent redirects to the app with a code that exchanges", async () => {
    const developerAccount = server.bootstrap.info.accountId;
    const { appId } = await createTestApp(server.platform, developerAccount, {
      uid: "browser-oauth",
      scopes: ["crm.objects.contacts.read"],
      app: { name: "Browser OAuth app", oauth: { distribution: "marketplace", redirectUrls: [REDIRECT] }, optionalScopes: [] },
    });
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    expect((await context.request.post("/api/v1/session", { data: server.bootstrap.info.superAdmin })).status()).toBe(200);
    await page.goto(`/private-apps/${developerAccount}/${appId}/auth`);
    const clientId = (await page.getByTestId("app-client-id").textContent())!;
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    const installUrl = (await page.getByTestId("app-install-url").textContent())!;
    expect(installUrl).toContain(`client_id=${clientId}`);
    expect(await page.getByTestId("app-token").count()).toBe(0);

    // A customer's super admin, in a browser of their own.
    const customer = await createAccount(server.platform, {
      name: "Customer",
      admin: { email: "owner@customer.example", password: "customer-password-1" },
    });
    const theirs = await browser.newContext({ baseURL: server.url });
    expect((await theirs.request.post("/api/v1/session", { data: customer.superAdmin })).status()).toBe(200);
    const consent = await theirs.newPage();
    consent.on("pageerror", (error) => errors.push(error.message));
    let landed: URL | undefined;
    // The app's backend: whatever the browser lands on at the redirect URL.
    await consent.route(`${REDIRECT}**`, async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/plain", body: "installed" });
    });
    await consent.goto(`${installUrl}&state=browser-state`);
    await consent.getByRole("heading", { name: "Connect Browser OAuth app" }).waitFor();
    await consent.getByLabel("Install into account").selectOption(String(customer.accountId));
    await consent.getByRole("button", { name: "Connect app" }).click();
    await expect.poll(() => landed?.searchParams.get("state")).toBe("browser-state");

    const client = new Client({ basePath: server.url });
    const tokens = await client.oauth.tokensApi.create(
      "authorization_code",
      landed!.searchParams.get("code")!,
      REDIRECT,
      clientId,
      await appClientSecret(server.platform, appId),
    );
    expect((await client.oauth.accessTokensApi.get(tokens.accessToken)).hubId).toBe(customer.accountId);
    expect(errors).toEqual([]);
    await context.close();
    await theirs.close();
  });
});
