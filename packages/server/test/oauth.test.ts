import path from "node:path";
import { Client } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { hashPassword } from "../src/crypto/password";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";
import { FIXTURES, ProjectApi, deployProjectDir } from "./support/project-api";
import { apiError, crmClient, rawCall } from "./support/crm-client";

const clock = manualClock();
let server: TestServer;
let api: ProjectApi;
let accountA: number;
let accountB: number;
let clientId: string;
let clientSecret: string;
let appId: number;
const REDIRECT = "http://localhost:3000/oauth-callback";
const OTHER_REDIRECT = "https://sync.example.com/oauth/callback";
const SCOPE = "oauth crm.objects.contacts.read";
const superAdminB = { email: "owner@b.example", password: "b-owner-password-1" };
const plainUserB = { email: "user@b.example", password: "b-user-password-1" };
const superAdminC = { email: "owner@c.example", password: "c-owner-password-1" };

interface Session {
  cookie: string;
  csrfToken: string;
}

async function signIn(who: { email: string; password: string }): Promise<Session> {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const installUrl = (params: Record<string, string>) =>
  `${server.url}/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, scope: SCOPE, ...params })}`;

async function consentPage(session: Session | undefined, params: Record<string, string> = {}) {
  const res = await fetch(installUrl(params), { headers: session ? { cookie: session.cookie } : {} });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** The consent page's form post, as the browser sends it: the page's fields plus the chosen account. */
async function consent(session: Session, accountId: number, params: Record<string, string> = {}) {
  const form = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: SCOPE,
    state: "st-1",
    csrf_token: session.csrfToken,
    account_id: String(accountId),
    ...params,
  });
  const res = await fetch(`${server.url}/oauth/authorize`, {
    method: "POST",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
  });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get("location"),
    body: text.startsWith("{") ? (JSON.parse(text) as Record<string, any>) : text,
  };
}

async function codeFor(session: Session, params: Record<string, string> = {}): Promise<string> {
  const res = await consent(session, accountB, params);
  expect(res.status).toBe(302);
  return new URL(res.location!).searchParams.get("code")!;
}

const oauthClient = () => new Client({ basePath: server.url });
const exchange = (code: string, redirect = REDIRECT, secret = clientSecret) =>
  oauthClient().oauth.tokensApi.create("authorization_code", code, redirect, clientId, secret);

async function tokenCall(form: Record<string, string>) {
  const res = await fetch(`${server.url}/oauth/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  server = await startTestServer({ clock });
  accountA = server.bootstrap.info.accountId;
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProjectDir(api, path.join(FIXTURES, "oauth-app"));
  const app = await api.call("GET", "/api/v1/private-apps/contact_sync_oauth");
  clientId = app.body.auth.clientId;
  appId = app.body.appId;
  clientSecret = (await api.call("POST", "/api/v1/private-apps/contact_sync_oauth/client-secret/reveal")).body.clientSecret;

  const b = await createAccount(server.platform, { name: "Customer B", admin: superAdminB });
  accountB = b.accountId;
  // A plain user of B: may use B, may not install apps into it.
  const db = server.platform.store.db;
  const user = await db
    .insertInto("users")
    .values({
      email: plainUserB.email,
      password_hash: await hashPassword(plainUserB.password, server.platform.config.passwordHashCost),
      first_name: "Plain",
      last_name: "User",
      created_at: clock.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("memberships").values({ account_id: accountB, user_id: user.id, role: "user" }).execute();
}, 240_000);
afterAll(async () => {
  await server?.stop();
});

describe("an OAuth app deployed from its developer account", () => {
  it("has a client id, redirect URLs and scopes on its Auth data, and no static token", async () => {
    const app = await api.call("GET", "/api/v1/private-apps/contact_sync_oauth");
    expect(app.body.auth).toEqual({
      type: "oauth",
      clientId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      distribution: "marketplace",
      redirectUrls: [REDIRECT, OTHER_REDIRECT],
      requiredScopes: ["oauth", "crm.objects.contacts.read"],
      optionalScopes: ["crm.objects.contacts.write"],
    });
    expect(app.body.token).toBeUndefined();
    expect((await api.call("POST", "/api/v1/private-apps/contact_sync_oauth/token/reveal")).status).toBe(404);
    expect((await api.call("POST", "/api/v1/private-apps/contact_sync_oauth/token/rotate")).body).toMatchObject({
      subCategory: "OAUTH_APP_HAS_NO_STATIC_TOKEN",
    });
  });

  it("deploys a legacy public-app.json as an OAuth app too", async () => {
    await deployProjectDir(api, path.join(FIXTURES, "public-app-legacy"));
    const app = await api.call("GET", "/api/v1/private-apps/deal-notes-public");
    expect(app.body.auth).toMatchObject({
      type: "oauth",
      distribution: "marketplace",
      redirectUrls: [REDIRECT],
      requiredScopes: ["crm.objects.deals.read"],
    });
  }, 240_000);
});

/**
 * A's developer reads the app's calls in B on the app's Logs tabs, each naming B (list, account filter, detail, trace,
 * overview); B's super admin sees them only account-wide in B, and a third account's super admin not at all.
 */
async function logsSeenAcrossInstalls(ownerB: Session) {
  const get = async (url: string, headers: Record<string, string>) => {
    const res = await server.app.inject({ method: "GET", url, headers });
    return { status: res.statusCode, body: res.json() as Record<string, any> };
  };
  const developer = { authorization: `Bearer ${await api.bearer()}` };
  const logs = `/api/v1/private-apps/${appId}/logs/api-calls`;
  const list = await get(logs, developer);
  expect(list.status).toBe(200);
  const call = list.body.results.find((e: { status: number }) => e.status === 200);
  expect(call).toMatchObject({ accountId: accountB, accountName: "Customer B", appId, method: "GET" });
  expect((await get(`${logs}?account=${accountB}`, developer)).body.results).toHaveLength(list.body.results.length);
  expect((await get(`${logs}?account=${accountA}`, developer)).body.results).toEqual([]);
  expect((await get(`${logs}?account=999999`, developer)).status).toBe(400);
  expect((await get(`${logs}/${call.id}`, developer)).body).toMatchObject({ id: call.id, accountId: accountB, accountName: "Customer B" });
  const trace = await get(`/api/v1/private-apps/${appId}/traces/${call.traceId}`, developer);
  expect(trace.body.spans[0].event).toMatchObject({ id: call.id, accountName: "Customer B" });
  expect((await get(`/api/v1/private-apps/${appId}/overview?range=1h`, developer)).body.totals.apiCalls).toBe(list.body.results.length);
  // The developer's account-wide routes stay A's own.
  expect((await get(`/api/v1/logs/api-calls/${call.id}`, developer)).status).toBe(404);

  // B's super admin: the app is not B's, and B's account-wide list shows B's rows without other accounts' names.
  const asB = { cookie: ownerB.cookie };
  expect((await get(logs, asB)).status).toBe(404);
  expect((await get(`${logs}/${call.id}`, asB)).status).toBe(404);
  const inB = (await get(`/api/v1/logs/api-calls/${call.id}`, asB)).body;
  expect(inB).toMatchObject({ id: call.id, accountId: accountB, appId });
  expect(inB).not.toHaveProperty("accountName");
  expect((await get(`/api/v1/logs/api-calls?account=${accountA}`, asB)).status).toBe(400);

  // Another developer's super admin, of an account the app never was installed in.
  await createAccount(server.platform, { name: "Developer C", admin: superAdminC });
  const asC = { cookie: (await signIn(superAdminC)).cookie };
  for (const url of [
    logs,
    `${logs}/${call.id}`,
    `/api/v1/private-apps/${appId}/traces/${call.traceId}`,
    `/api/v1/logs/api-calls/${call.id}`,
  ])
    expect((await get(url, asC)).status).toBe(404);
}

describe("install into another account, HubSpot's OAuth 2.0 endpoints, the app token gate", () => {
  it("installs into B, reads B's contacts with the SDK, refreshes, introspects, uninstalls", async () => {
    const { client: bOwnClient } = await crmClient(server, accountB);
    await bOwnClient.crm.contacts.basicApi.create({ properties: { email: "customer@b.example" }, associations: [] });

    const owner = await signIn(superAdminB);
    const page = await consentPage(owner, { optional_scope: "crm.objects.contacts.write", state: "st-1" });
    expect(page.status).toBe(200);
    expect(page.type).toContain("text/html");
    expect(page.text).toContain("Contact sync (OAuth)");
    expect(page.text).toContain(`<option value="${accountB}">Customer B (${accountB})</option>`);

    const res = await consent(owner, accountB, { optional_scope: "crm.objects.contacts.write" });
    expect(res.status).toBe(302);
    const back = new URL(res.location!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("st-1");

    const tokens = await exchange(back.searchParams.get("code")!);
    expect(tokens).toMatchObject({
      tokenType: "bearer",
      expiresIn: 1800,
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^na1-/),
    });

    const asApp = new Client({ accessToken: tokens.accessToken, basePath: server.url });
    const contacts = await asApp.crm.contacts.basicApi.getPage(10, undefined, ["email"]);
    expect(contacts.results.map((c) => c.properties.email)).toEqual(["customer@b.example"]);
    // The granted scopes are the gate: companies were never asked for.
    expect((await apiError(asApp.crm.companies.basicApi.getPage(1))).body).toMatchObject({ category: "MISSING_SCOPES" });

    // The call is logged with the app and the account it acted on.
    await server.platform.logs.flush();
    const logged = await server.platform.store.db
      .selectFrom("api_calls")
      .select(["app_id", "account_id"])
      .where("app_id", "=", appId)
      .execute();
    expect(logged.length).toBeGreaterThan(0);
    expect(new Set(logged.map((l) => l.account_id))).toEqual(new Set([accountB]));
    await logsSeenAcrossInstalls(owner);

    const refreshed = await oauthClient().oauth.tokensApi.create(
      "refresh_token",
      undefined,
      undefined,
      clientId,
      clientSecret,
      tokens.refreshToken,
    );
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(
      (await new Client({ accessToken: refreshed.accessToken, basePath: server.url }).crm.contacts.basicApi.getPage(1)).results,
    ).toHaveLength(1);

    const info = await oauthClient().oauth.accessTokensApi.get(refreshed.accessToken);
    expect(info).toMatchObject({ hubId: accountB, appId, tokenType: "access", user: superAdminB.email, expiresIn: 1800 });
    expect([...info.scopes].sort()).toEqual(["crm.objects.contacts.read", "crm.objects.contacts.write", "oauth"]);
    expect(await oauthClient().oauth.refreshTokensApi.get(tokens.refreshToken)).toMatchObject({
      hubId: accountB,
      clientId,
      tokenType: "refresh",
    });

    const installs = await fetch(`${server.url}/api/v1/app-installs`, { headers: { cookie: owner.cookie } }).then(
      (r) => r.json() as Promise<{ results: any[] }>,
    );
    expect(installs.results).toEqual([expect.objectContaining({ appId, appName: "Contact sync (OAuth)", developerAccountId: accountA })]);
    const removed = await fetch(`${server.url}/api/v1/app-installs/${installs.results[0].installId}`, {
      method: "DELETE",
      headers: { cookie: owner.cookie, "x-csrf-token": owner.csrfToken },
    });
    expect(removed.status).toBe(204);
    // Uninstalled, what the app did in B stays its developer's to read.
    expect((await api.call("GET", `/api/v1/private-apps/${appId}/logs/api-calls?account=${accountB}`)).body.results).not.toEqual([]);

    expect((await apiError(asApp.crm.contacts.basicApi.getPage(1))).code).toBe(401);
    expect((await rawCall(server, refreshed.accessToken, "GET", "/crm/v3/objects/contacts")).status).toBe(401);
    expect(
      (
        await tokenCall({
          grant_type: "refresh_token",
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: tokens.refreshToken,
        })
      ).body,
    ).toMatchObject({ status: "BAD_REFRESH_TOKEN" });

    const events = await server.platform.store.db
      .selectFrom("security_events")
      .select("type")
      .where("account_id", "=", accountB)
      .where("app_id", "=", appId)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.type)).toEqual(["APP_INSTALLED", "APP_UNINSTALLED"]);
  });

  it("an access token lasts 30 minutes; a code 10 minutes", async () => {
    const owner = await signIn(superAdminB);
    const tokens = await exchange(await codeFor(owner));
    const stale = await codeFor(owner);
    clock.advance(30 * 60 * 1000 + 1);
    expect((await rawCall(server, tokens.accessToken, "GET", "/crm/v3/objects/contacts")).status).toBe(401);
    expect((await apiError(exchange(stale))).body).toMatchObject({ status: "EXPIRED_AUTH_CODE" });
    const again = await oauthClient().oauth.tokensApi.create(
      "refresh_token",
      undefined,
      undefined,
      clientId,
      clientSecret,
      tokens.refreshToken,
    );
    expect((await rawCall(server, again.accessToken, "GET", "/crm/v3/objects/contacts")).status).toBe(200);
  });
});

describe("hostile cases", () => {
  it("refuses a wrong client secret, a reused code and a redirect URI other than the code's", async () => {
    const owner = await signIn(superAdminB);
    const code = await codeFor(owner);
    expect(await apiError(exchange(code, REDIRECT, "not-the-secret"))).toMatchObject({
      code: 400,
      body: { status: "BAD_CLIENT_SECRET", correlationId: expect.any(String) },
    });
    expect(
      (await tokenCall({ grant_type: "authorization_code", client_id: "nope", client_secret: clientSecret, redirect_uri: REDIRECT, code }))
        .body,
    ).toMatchObject({ status: "BAD_CLIENT_ID" });
    expect((await apiError(exchange(code, OTHER_REDIRECT))).body).toMatchObject({ status: "MISMATCH_REDIRECT_URI_AUTH_CODE" });
    const first = await exchange(code);
    expect((await apiError(exchange(code))).body).toMatchObject({ status: "BAD_AUTH_CODE" });
    // B's super admins see the replay in B's security log, with where it came from.
    const replay = await server.platform.store.db
      .selectFrom("security_events")
      .select(["type", "actor_label", "address"])
      .where("account_id", "=", accountB)
      .where("type", "=", "OAUTH_CODE_REUSED")
      .execute();
    expect(replay).toEqual([{ type: "OAUTH_CODE_REUSED", actor_label: `OAuth client ${clientId}`, address: "127.0.0.1" }]);
    // The replay also kills what the first exchange issued.
    expect(
      (
        await tokenCall({
          grant_type: "refresh_token",
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: first.refreshToken,
        })
      ).body,
    ).toMatchObject({ status: "BAD_REFRESH_TOKEN" });
    expect((await tokenCall({ grant_type: "password", client_id: clientId, client_secret: clientSecret })).body).toMatchObject({
      status: "BAD_GRANT_TYPE",
    });
  });

  it("refuses install URLs with an unlisted redirect URI or an undeclared scope, before any consent", async () => {
    const owner = await signIn(superAdminB);
    const badRedirect = await consentPage(owner, { redirect_uri: "https://evil.example/cb" });
    expect(badRedirect.status).toBe(400);
    expect(JSON.parse(badRedirect.text)).toMatchObject({ status: "BAD_REDIRECT_URI" });
    // Exact match: a longer path on a listed URL is another URL.
    expect((await consentPage(owner, { redirect_uri: `${REDIRECT}/x` })).status).toBe(400);
    const undeclared = await consentPage(owner, { scope: `${SCOPE} crm.objects.companies.read` });
    expect(JSON.parse(undeclared.text)).toMatchObject({
      status: "BAD_SCOPES",
      message: expect.stringContaining("crm.objects.companies.read"),
    });
    expect(JSON.parse((await consentPage(owner, { scope: "oauth" })).text)).toMatchObject({
      status: "BAD_SCOPES",
      message: expect.stringContaining("missing: crm.objects.contacts.read"),
    });
    expect((await consent(owner, accountB, { scope: `${SCOPE} crm.objects.companies.read` })).body).toMatchObject({ status: "BAD_SCOPES" });
    expect(JSON.parse((await consentPage(owner, { client_id: "00000000-0000-0000-0000-000000000000" })).text)).toMatchObject({
      status: "BAD_CLIENT_ID",
    });
  });

  it("lets only a super admin install, with the console's CSRF token", async () => {
    const user = await signIn(plainUserB);
    const page = await consentPage(user);
    expect(page.status).toBe(403);
    expect(page.text).toContain("not a super admin");
    expect((await consent(user, accountB)).body).toMatchObject({ status: "NOT_SUPER_ADMIN" });
    const refused = await server.platform.store.db
      .selectFrom("security_events")
      .select(["type", "actor_label"])
      .where("account_id", "=", accountB)
      .where("type", "=", "APP_INSTALL_REFUSED")
      .execute();
    expect(refused).toEqual([{ type: "APP_INSTALL_REFUSED", actor_label: plainUserB.email }]);
    const owner = await signIn(superAdminB);
    expect((await consent({ ...owner, csrfToken: "forged" }, accountB)).status).toBe(403);
    // B's owner is no member of A at all.
    expect((await consent(owner, accountA)).body).toMatchObject({ status: "NOT_SUPER_ADMIN" });
    // Signed out: to the console's sign-in, which sends the browser back to this install link.
    const signedOut = await fetch(installUrl({}), { redirect: "manual" });
    expect(signedOut.status).toBe(302);
    const login = new URL(signedOut.headers.get("location")!, server.url);
    expect(login.pathname).toBe("/login");
    expect(new URL(login.searchParams.get("next")!, server.url).searchParams.get("client_id")).toBe(clientId);
  });

  it("A's own tokens cannot read B's data: without an install there is no way in", async () => {
    const { client: bOwnClient } = await crmClient(server, accountB);
    await bOwnClient.crm.contacts.basicApi.create({ properties: { email: "second@b.example" }, associations: [] });
    const { client: aClient } = await crmClient(server, accountA);
    const seen = (await aClient.crm.contacts.basicApi.getPage(100, undefined, ["email"])).results.map((c) => c.properties.email);
    expect(seen).not.toContain("customer@b.example");
    expect(seen).not.toContain("second@b.example");
    // A refresh token never authenticates an API call.
    const owner = await signIn(superAdminB);
    const tokens = await exchange(await codeFor(owner));
    expect((await rawCall(server, tokens.refreshToken, "GET", "/crm/v3/objects/contacts")).status).toBe(401);
  });

  it("a rotated client secret stops the old one at once", async () => {
    const owner = await signIn(superAdminB);
    const code = await codeFor(owner);
    // A fresh CLI token: an earlier test moved the clock past the first one's 30 minutes.
    const developer = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    const rotation = await developer.call("POST", "/api/v1/private-apps/contact_sync_oauth/client-secret/rotate");
    expect(rotation.status).toBe(200);
    const rotated = rotation.body.clientSecret as string;
    expect((await apiError(exchange(code))).body).toMatchObject({ status: "BAD_CLIENT_SECRET" });
    expect((await exchange(code, REDIRECT, rotated)).tokenType).toBe("bearer");
    clientSecret = rotated;
    const events = await server.platform.store.db
      .selectFrom("security_events")
      .select("type")
      .where("account_id", "=", accountA)
      .where("app_id", "=", appId)
      .execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["CLIENT_SECRET_VIEWED", "CLIENT_SECRET_ROTATED"]));
  });
});
