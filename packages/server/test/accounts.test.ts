import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { createAccount } from "../src/accounts/account-service";
import { listSecurityEvents } from "../src/logs/security-events";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
});
afterAll(async () => {
  await server.stop();
});

async function call(method: string, url: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(server.url + url, {
    method,
    headers,
    ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const expectHubSpotError = (body: Record<string, unknown>, category: string) => {
  expect(body).toMatchObject({ status: "error", category });
  expect(body.message).toEqual(expect.any(String));
  expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
};

describe("first start", () => {
  it("writes bootstrap.json with the demo account, login and key, readable only by its owner", () => {
    const file = path.join(server.db.dataDir, "bootstrap.json");
    const info = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(info).toMatchObject({
      accountId: expect.any(Number),
      consoleUrl: expect.any(String),
      superAdmin: { email: "admin@sprocket.local" },
    });
    expect(info.personalAccessKey).toMatch(/^spk_/);
    expect(server.bootstrap.created).toBe(true);
  });

  it("answers health and readiness", async () => {
    expect((await call("GET", "/healthz")).body).toEqual({ status: "ok" });
    expect((await call("GET", "/readyz")).body).toMatchObject({ status: "ready", engine: process.env.SPROCKET_TEST_DB ?? "sqlite" });
  });
});

describe("personal access keys", () => {
  it("exchanges a key for a bearer token in HubSpot's shape, which then authenticates", async () => {
    const key = server.bootstrap.info.personalAccessKey;
    const res = await call("POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: key } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      hubId: server.bootstrap.info.accountId,
      oauthAccessToken: expect.stringMatching(/^spt_/),
      encodedOAuthRefreshToken: key,
      accountType: "STANDARD",
    });
    expect(res.body.expiresAtMillis).toBeGreaterThan(Date.now());
    const me = await call("GET", "/api/v1/accounts", { headers: { authorization: `Bearer ${res.body.oauthAccessToken}` } });
    expect(me.body.results[0].accountId).toBe(server.bootstrap.info.accountId);
    // The /<x>.com prefix that HubSpot's CLI adds is the same API.
    const prefixed = await call("GET", "/hs.com/api/v1/accounts", { headers: { authorization: `Bearer ${res.body.oauthAccessToken}` } });
    expect(prefixed.status).toBe(200);
  });

  it("refuses an unknown key with 401 and HubSpot's error body", async () => {
    const res = await call("POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: "spk_nope" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectHubSpotError(res.body, "INVALID_AUTHENTICATION");
  });

  it("refuses a key for another portalId and a bearer token that is missing or wrong", async () => {
    const key = server.bootstrap.info.personalAccessKey;
    const other = await call("POST", "/localdevauth/v1/auth/refresh?portalId=1", { body: { encodedOAuthRefreshToken: key } });
    expect(other.status).toBe(401);
    const none = await call("GET", "/api/v1/accounts");
    expectHubSpotError(none.body, "INVALID_AUTHENTICATION");
    const wrong = await call("GET", "/api/v1/accounts", { headers: { authorization: "Bearer spt_wrong" } });
    expect(wrong.status).toBe(401);
  });

  it("revokes a key: the key and the tokens minted from it stop working", async () => {
    const login = await fetch(server.url + "/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(server.bootstrap.info.superAdmin),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const created = await call("POST", "/api/v1/personal-access-keys", {
      body: { name: "ci" },
      headers: { cookie, "x-csrf-token": csrfToken },
    });
    expect(created.status).toBe(201);
    const token = (
      await call("POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: created.body.personalAccessKey } })
    ).body.oauthAccessToken;
    const revoked = await call("DELETE", `/api/v1/personal-access-keys/${created.body.id}`, {
      headers: { cookie, "x-csrf-token": csrfToken },
    });
    expect(revoked.status).toBe(204);
    expect((await call("GET", "/api/v1/accounts", { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const again = await call("POST", "/localdevauth/v1/auth/refresh", {
      body: { encodedOAuthRefreshToken: created.body.personalAccessKey },
    });
    expectHubSpotError(again.body, "INVALID_AUTHENTICATION");
  });
});

describe("console sessions", () => {
  it("refuses a wrong password with 401", async () => {
    const res = await call("POST", "/api/v1/session", { body: { email: "admin@sprocket.local", password: "wrong" } });
    expect(res.status).toBe(401);
    expectHubSpotError(res.body, "INVALID_AUTHENTICATION");
  });

  it("throttles sign-in after 10 failures per email and address (429, even with the right password) and records each failure", async () => {
    const email = `throttle-${Date.now()}@example.com`;
    const { accountId, superAdmin } = await createAccount(server.platform, { name: "Throttled", admin: { email } });
    for (let i = 0; i < 10; i++)
      expect((await call("POST", "/api/v1/session", { body: { email, password: `guess-${i}` } })).status).toBe(401);
    const blocked = await call("POST", "/api/v1/session", { body: { email: email.toUpperCase(), password: superAdmin.password } });
    expect(blocked.status).toBe(429);
    expectHubSpotError(blocked.body, "RATE_LIMITS");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const events = (await listSecurityEvents(server.platform.store.db, accountId)).filter((e) => e.type === "SIGN_IN_FAILED");
    expect(events).toHaveLength(10);
    expect(events[0]).toMatchObject({ actor_label: email, address: "127.0.0.1" });
    expect(JSON.stringify(events)).not.toContain("guess-");
    // Unknown emails are throttled alike, so a 429 does not tell which emails have accounts.
    const nobody = `nobody-${Date.now()}@example.com`;
    for (let i = 0; i < 10; i++) await call("POST", "/api/v1/session", { body: { email: nobody, password: "x" } });
    expect((await call("POST", "/api/v1/session", { body: { email: nobody, password: "x" } })).status).toBe(429);
    // Another email from the same address is not affected.
    expect(
      (
        await call("POST", "/api/v1/session", {
          body: { email: "admin@sprocket.local", password: server.bootstrap.info.superAdmin.password },
        })
      ).status,
    ).toBe(200);
  });

  it("signs in, needs the CSRF token for changes, and signs out", async () => {
    const login = await fetch(server.url + "/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(server.bootstrap.info.superAdmin),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0]!;
    const me = await call("GET", "/api/v1/session", { headers: { cookie } });
    expect(me.body).toMatchObject({ signedIn: true, role: "super_admin", accountId: server.bootstrap.info.accountId });
    const noCsrf = await call("POST", "/api/v1/personal-access-keys", { body: { name: "x" }, headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    const out = await call("DELETE", "/api/v1/session", { headers: { cookie, "x-csrf-token": me.body.csrfToken } });
    expect(out.status).toBe(204);
    expect((await call("GET", "/api/v1/session", { headers: { cookie } })).body).toEqual({ signedIn: false });
  });
});

describe("bad requests", () => {
  it("names malformed JSON with 400", async () => {
    const res = await call("POST", "/localdevauth/v1/auth/refresh", { raw: '{"encodedOAuthRefreshToken": ' });
    expect(res.status).toBe(400);
    expectHubSpotError(res.body, "VALIDATION_ERROR");
    expect(res.body.message).toMatch(/Invalid input JSON/);
  });

  it("names a missing field with 400", async () => {
    const res = await call("POST", "/localdevauth/v1/auth/refresh", { body: {} });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("encodedOAuthRefreshToken");
  });

  it("refuses an oversized body with 413", async () => {
    const res = await call("POST", "/localdevauth/v1/auth/refresh", {
      raw: JSON.stringify({ encodedOAuthRefreshToken: "x".repeat(9 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expectHubSpotError(res.body, "PAYLOAD_TOO_LARGE");
  });

  it("answers a malformed percent-encoding in the path with HubSpot's 400 body", async () => {
    const res = await call("GET", "/crm/v3/objects/contacts/%ZZ");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectHubSpotError(res.body, "VALIDATION_ERROR");
  });

  it("answers a URL over Node's 16 KB header cap with HubSpot's 431 body", async () => {
    const res = await call("GET", `/crm/v3/objects/contacts?after=${"x".repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectHubSpotError(res.body, "VALIDATION_ERROR");
  });

  it("answers ids out of range and NUL characters with a 4xx body on both engines, not a database error", async () => {
    const token = (
      await call("POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: server.bootstrap.info.personalAccessKey } })
    ).body.oauthAccessToken;
    for (const url of [
      "/dfs/v1/projects-deployed-build/99999999999999999999999",
      "/dfs/v1/projects/%00/builds",
      "/api/v1/private-apps/%00",
    ]) {
      const res = await call("GET", url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(res.body.status).toBe("error");
    }
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await call("GET", "/no/such/route");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectHubSpotError(res.body, "RESOURCE_NOT_FOUND");
  });
});

describe("members and roles", () => {
  it("lists the account's members; super admins change roles but never remove the last super admin", async () => {
    const login = await fetch(server.url + "/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(server.bootstrap.info.superAdmin),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken, userId } = (await login.json()) as { csrfToken: string; userId: number };
    const headers = { cookie, "x-csrf-token": csrfToken };
    const p = server.platform;
    const member = await p.store.db
      .insertInto("users")
      .values({ email: "member@x.test", password_hash: "-", first_name: "Mem", last_name: "Ber", created_at: Date.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await p.store.db
      .insertInto("memberships")
      .values({ account_id: server.bootstrap.info.accountId, user_id: member.id, role: "user" })
      .execute();

    const list = await call("GET", "/api/v1/account-users", { headers });
    expect(list.body.results).toEqual([
      { userId, email: "admin@sprocket.local", firstName: "Demo", lastName: "Admin", role: "super_admin" },
      { userId: member.id, email: "member@x.test", firstName: "Mem", lastName: "Ber", role: "user" },
    ]);
    const lastSuper = await call("PUT", `/api/v1/account-users/${userId}/role`, { body: { role: "admin" }, headers });
    expect(lastSuper.status).toBe(400);
    expect(lastSuper.body.message).toContain("only super admin");
    expect((await call("PUT", `/api/v1/account-users/${member.id}/role`, { body: { role: "admin" }, headers })).body).toEqual({
      userId: member.id,
      role: "admin",
    });
    expect((await call("PUT", `/api/v1/account-users/${member.id}/role`, { body: { role: "owner" }, headers })).status).toBe(400);
    expect((await call("PUT", "/api/v1/account-users/999999/role", { body: { role: "user" }, headers })).status).toBe(404);
    expect((await call("PUT", `/api/v1/account-users/${member.id}/role`, { body: { role: "user" } })).status).toBe(401);
  });
});
