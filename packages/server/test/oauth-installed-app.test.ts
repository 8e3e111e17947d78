// Issue #22's "done means", on both engines: a public-app.json project uploaded to developer account A is installed
// into customer account B through the consent page in Chromium; the SDK exchanges and refreshes its tokens and reads
// B's contacts; B's contact creation reaches the app's webhook with B's portalId; its card shows on a B contact, its
// function answering with B's data through the install's token; B's super admin uninstalls it in Settings › Connected
// apps; the card leaves the open record page and the tokens are refused. A's developer sees the calls in B on the app's
// Logs tab.
import { Client } from "@hubspot/api-client";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { startTestServer, type TestServer } from "./support/test-server";
import { ProjectApi } from "./support/project-api";
import { WebhookReceiver, deployWebhooksApp } from "./support/webhook-receiver";
import { deliveryJobHandler, type DeliveryJob } from "../src/webhooks/delivery-job";
import type { WebhookEvent } from "../src/webhooks/payload";
import { crmClient, rawCall } from "./support/crm-client";

const REDIRECT = "http://localhost:3000/oauth-callback";
const SCOPES = "crm.objects.contacts.read crm.objects.contacts.write";
const CARD = "Getting started card (Getting started public app)";
const customer = { email: "owner@customer-b.example", password: "customer-b-password-1" };

let server: TestServer;
let browser: Browser;
let api: ProjectApi;
let receiver: WebhookReceiver;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false, env: { SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = new WebhookReceiver();
  await receiver.listen();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await server?.stop();
});

describe("a public app uploaded to account A, installed into account B", () => {
  it("installs through the consent page, works on B's data with B's tokens, and stops everywhere on uninstall", async () => {
    const appId = await deployWebhooksApp(
      api,
      `${receiver.origin}/installed`,
      async () => (await api.call("GET", "/api/v1/private-apps/getting-started-public-app")).body.appId as number,
      "public-app-getting-started",
    );
    const app = (await api.call("GET", `/api/v1/private-apps/${appId}`)).body;
    expect(app.auth).toMatchObject({ type: "oauth", redirectUrls: [REDIRECT] });
    const clientId = app.auth.clientId as string;
    const clientSecret = (await api.call("POST", "/api/v1/private-apps/getting-started-public-app/client-secret/reveal")).body
      .clientSecret as string;

    const b = await createAccount(server.platform, { name: "Customer B", admin: customer });
    const { client: bAdmin } = await crmClient(server, b.accountId, ["crm.objects.contacts.write"]);

    // B's super admin, in a browser of their own, follows the install link.
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
    let landed: URL | undefined;
    await page.route(`${REDIRECT}**`, async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/plain", body: "installed" });
    });
    // Signed out, the install link goes through the console's sign-in and back.
    await page.goto(
      `/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, scope: SCOPES, state: "s-22" })}`,
    );
    await page.getByLabel("Email").fill(customer.email);
    await page.getByLabel("Password").fill(customer.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Install into account").selectOption(String(b.accountId));
    await page.getByRole("button", { name: "Connect app" }).click();
    await expect.poll(() => landed?.searchParams.get("state")).toBe("s-22");
    // The route answers as the request leaves; the page commits the callback's navigation after. A goto before that
    // interrupts it and fails (seen under a profiler's load).
    await page.waitForURL(`${REDIRECT}**`);

    // Installed, its webhook hears B's contacts (and never A's, where it is not installed).
    const { client: aAdmin } = await crmClient(server, server.bootstrap.info.accountId, ["crm.objects.contacts.write"]);
    await aAdmin.crm.contacts.basicApi.create({ properties: { email: "not-installed@developer-a.example" }, associations: [] });
    const contact = await bAdmin.crm.contacts.basicApi.create({ properties: { email: "grace@customer-b.example" }, associations: [] });
    await expect.poll(() => receiver.events().map((e) => e.objectId)).toContain(Number(contact.id));
    expect(receiver.events()).toEqual([
      expect.objectContaining({ subscriptionType: "object.creation", portalId: b.accountId, appId, objectId: Number(contact.id) }),
    ]);
    // A retry of that delivery, as the queue would run it: sent while installed (and again below, after the uninstall).
    const deliveries = deliveryJobHandler(server.platform);
    const retry: DeliveryJob = {
      accountId: b.accountId,
      appId,
      componentUid: "getting-started-public-app-webhooks",
      targetUrl: `${receiver.origin}/installed`,
      maxConcurrentRequests: 1,
      events: receiver.events() as WebhookEvent[],
      attempt: 2,
      traceId: "0af7651916cd43dd8448eb211c80319c",
    };
    const runRetry = () => deliveries.run(retry, { jobId: "retry", attempt: 1, signal: new AbortController().signal });
    await runRetry();
    expect(receiver.received).toHaveLength(2);

    const { csrfToken } = (await (await context.request.get("/api/v1/session")).json()) as { csrfToken: string };
    const oauth = new Client({ basePath: server.url }).oauth;
    const tokens = await oauth.tokensApi.create("authorization_code", landed!.searchParams.get("code")!, REDIRECT, clientId, clientSecret);
    const asApp = new Client({ accessToken: tokens.accessToken, basePath: server.url });
    expect((await asApp.crm.contacts.basicApi.getPage(10, undefined, ["email"])).results.map((c) => c.properties.email)).toEqual([
      "grace@customer-b.example",
    ]);
    const refreshed = await oauth.tokensApi.create("refresh_token", undefined, undefined, clientId, clientSecret, tokens.refreshToken);
    expect((await rawCall(server, refreshed.accessToken, "GET", `/crm/v3/objects/contacts/${contact.id}`)).status).toBe(200);

    // The card on B's contact: its function read the record back through the CRM API with B's install token.
    await page.goto(`/contacts/${b.accountId}/record/0-1/${contact.id}`);
    await page.getByRole("tab", { name: "Apps" }).click();
    const card = page.getByRole("region", { name: CARD });
    await card
      .getByText(`Account ${b.accountId} (viewed in ${b.accountId}): grace@customer-b.example read back as grace@customer-b.example`)
      .waitFor();
    // hubspot.fetch from the card in B is the app's (allowedUrls is empty: refused by the app's own list, not unknown).
    const cardFetch = () =>
      context.request.post(`/api/v1/card-fetch/${appId}`, {
        headers: { "x-csrf-token": csrfToken },
        data: { cardUid: "getting-started-card", location: "crm.record.tab", url: "https://backend.example/api" },
      });
    expect(await (await cardFetch()).json()).toMatchObject({ subCategory: "HubSpotFetch.not-permitted" });
    // A, which has not installed it, shows no card of it; A's developer sees the install on the app's Auth tab.
    const inA = await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1");
    expect(inA.body.results.map((c: { appId: number }) => c.appId)).not.toContain(app.appId);
    const developer = await browser.newContext({ baseURL: server.url });
    expect((await developer.request.post("/api/v1/session", { data: server.bootstrap.info.superAdmin })).status()).toBe(200);
    const authTab = await developer.newPage();
    authTab.on("pageerror", (error) => errors.push(error.message));
    await authTab.goto(`/private-apps/${server.bootstrap.info.accountId}/${app.appId}/auth`);
    const install = authTab
      .getByRole("table", { name: "Installs" })
      .getByRole("row", { name: new RegExp(`Customer B \\(${b.accountId}\\)`) });
    await expect.poll(() => install.textContent()).toContain("crm.objects.contacts.write");
    // Its Logs tab lists the app's calls in B, naming B; a row opens through the app's detail route.
    await server.platform.logs.flush();
    await authTab.goto(`/private-apps/${server.bootstrap.info.accountId}/${app.appId}/logs`);
    const bCall = authTab
      .getByTestId("log-row")
      .filter({ hasText: `Customer B (${b.accountId})` })
      .first();
    await bCall.waitFor();
    const detail = authTab.waitForResponse((r) => r.url().includes(`/api/v1/private-apps/${app.appId}/logs/api-calls/`));
    await bCall.click();
    expect((await detail).status()).toBe(200);
    await authTab.getByTestId("detail-account").getByText(`in Customer B (${b.accountId})`).waitFor();
    await developer.close();

    // Settings › Connected apps, in a second tab: uninstall, confirmed; the record page drops the card by itself.
    const settings = await context.newPage();
    settings.on("pageerror", (error) => errors.push(error.message));
    await settings.goto(`/settings/${b.accountId}/connected-apps`);
    const row = settings.getByRole("row", { name: /Getting started public app/ });
    await expect.poll(() => row.textContent()).toContain("crm.objects.contacts.read");
    await row.getByRole("button", { name: "Uninstall" }).click();
    await settings.getByRole("button", { name: "Uninstall Getting started public app" }).click();
    await settings.getByText("No apps are installed in this account.").waitFor();
    await expect.poll(() => card.count()).toBe(0);

    expect((await rawCall(server, refreshed.accessToken, "GET", "/crm/v3/objects/contacts")).status).toBe(401);
    expect((await cardFetch()).status()).toBe(404);
    // A delivery still queued for B is dropped, not sent.
    await runRetry();
    expect(receiver.received).toHaveLength(2);
    // The card's function, called as the card calls it, no longer runs in B.
    const call = await context.request.post(`/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
      headers: { "x-csrf-token": csrfToken },
      data: { serverlessFunction: "lookup", parameters: { contactId: contact.id } },
    });
    expect(call.status()).toBe(404);
    expect(await call.json()).toMatchObject({ subCategory: "FUNCTION_NOT_FOUND" });
    const again = await fetch(`${server.url}/oauth/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: tokens.refreshToken,
      }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ status: "BAD_REFRESH_TOKEN" });
    expect(errors).toEqual([]);
    await context.close();
  });
});
