import { randomBytes } from "node:crypto";
import http from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { createPersonalAccessKey } from "../src/accounts/access-keys";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";
import { createTestApp } from "./support/test-apps";

const clock = manualClock();
let server: TestServer;
let accountId: number;

async function call(method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(server.url + url, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function developerToken(key: string): Promise<string> {
  return (await call("POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: key } })).body.oauthAccessToken;
}

/** A fresh CLI token each time: the tests move the clock by days, past a token's 30 minutes. */
const adminToken = () => developerToken(server.bootstrap.info.personalAccessKey);

const usage = (token: string) => call("GET", "/account-info/v3/api-usage/daily/private-apps", { token });

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false, clock });
  accountId = server.bootstrap.info.accountId;
});
afterAll(async () => {
  await server.stop();
});

describe("provisioning and tokens", () => {
  it("mints a pat-na1 token that authenticates, with HubSpot's introspection and rate-limit headers", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["crm.objects.contacts.read"] });
    expect(token).toMatch(/^pat-na1-[0-9a-f-]{36}$/);
    const info = await call("POST", "/oauth/v2/private-apps/get/access-token-info", { body: { tokenKey: token } });
    expect(info.body).toMatchObject({ hubId: accountId, appId, scopes: ["crm.objects.contacts.read"] });
    const res = await usage(token);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ name: "private-apps-api-calls-daily", usageLimit: 1_000_000, currentUsage: 1 });
    expect(res.headers.get("x-hubspot-ratelimit-max")).toBe("190");
    expect(res.headers.get("x-hubspot-ratelimit-remaining")).toBe("189");
    expect(res.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
    expect(res.headers.get("x-hubspot-ratelimit-daily")).toBe("1000000");
    expect(res.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("999999");
    expect(res.headers.get("x-hubspot-ratelimit-secondly")).toBe("19");
  });

  it("answers missing, malformed and unknown tokens with 401 INVALID_AUTHENTICATION", async () => {
    for (const token of [undefined, "nonsense", "pat-na1-00000000-0000-0000-0000-000000000000"]) {
      const res = await usage(token as string);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
    }
  });

  it("keeps an app's identity and token when it is renamed", async () => {
    const first = await createTestApp(server.platform, accountId, { uid: "renamed-app", scopes: ["tickets"] });
    const again = await createTestApp(server.platform, accountId, {
      uid: "renamed-app",
      scopes: ["tickets", "crm.objects.deals.read"],
      projectId: first.projectId,
      app: { name: "New name" },
    });
    expect(again.appId).toBe(first.appId);
    expect(again.token).toBe(first.token);
    const info = await call("POST", "/oauth/v2/private-apps/get/access-token-info", { body: { tokenKey: first.token } });
    expect(info.body.scopes).toEqual(["tickets", "crm.objects.deals.read"]);
  });

  it("rotates now: the old token dies at once and the rotation is a security event", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    const rotated = await call("POST", `/api/v1/private-apps/${appId}/token/rotate`, { token: await adminToken(), body: { mode: "now" } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).not.toBe(token);
    expect((await usage(token)).status).toBe(401);
    expect((await usage(rotated.body.token)).status).toBe(200);
    const events = await call("GET", `/api/v1/private-apps/${appId}/security-events`, { token: await adminToken() });
    expect(events.body.results.map((e: { type: string }) => e.type)).toEqual(["TOKEN_ROTATED"]);
    expect(JSON.stringify(events.body)).not.toContain(rotated.body.token);
  });

  it("caches a token per spelling of its header, and a rotation ends every spelling at once", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    const path = "/account-info/v3/api-usage/daily/private-apps";
    const spellings = [`Bearer ${token}`, `bearer  ${token}`];
    const statuses = () =>
      Promise.all(spellings.map(async (authorization) => (await fetch(server.url + path, { headers: { authorization } })).status));
    expect(await statuses()).toEqual([200, 200]);
    // Both are cached now: each spelling is an entry of its own, and the rotation's invalidation clears them all.
    expect(await statuses()).toEqual([200, 200]);
    const rotated = await call("POST", `/api/v1/private-apps/${appId}/token/rotate`, { token: await adminToken(), body: { mode: "now" } });
    expect(rotated.status).toBe(200);
    expect(await statuses()).toEqual([401, 401]);
  });

  it("rotates later: the old token lives seven days, or until expired now", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    const rotated = await call("POST", `/api/v1/private-apps/${appId}/token/rotate`, {
      token: await adminToken(),
      body: { mode: "later" },
    });
    expect(rotated.body.previous.expiresAt).toBe(clock.now() + 7 * 24 * 3600 * 1000);
    expect((await usage(token)).status).toBe(200);
    clock.advance(6 * 24 * 3600 * 1000);
    expect((await usage(token)).status).toBe(200);
    clock.advance(1 * 24 * 3600 * 1000 + 1);
    expect((await usage(token)).status).toBe(401);
    expect((await usage(rotated.body.token)).status).toBe(200);

    const second = await call("POST", `/api/v1/private-apps/${appId}/token/rotate`, { token: await adminToken(), body: { mode: "later" } });
    expect((await usage(rotated.body.token)).status).toBe(200);
    const expired = await call("POST", `/api/v1/private-apps/${appId}/token/expire-old`, { token: await adminToken() });
    expect(expired.body).toEqual({ expired: 1 });
    expect((await usage(rotated.body.token)).status).toBe(401);
    expect((await usage(second.body.token)).status).toBe(200);
  });

  it("rotating later again revokes the token an earlier rotate-later left pending: never more than the two shown", async () => {
    const { appId, token: first } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    const rotate = async () =>
      (await call("POST", `/api/v1/private-apps/${appId}/token/rotate`, { token: await adminToken(), body: { mode: "later" } })).body;
    const second = await rotate();
    const third = await rotate();
    expect((await usage(first)).status).toBe(401);
    expect((await usage(second.token)).status).toBe(200);
    expect((await usage(third.token)).status).toBe(200);
    expect(third.previous.expiresAt).toBe(clock.now() + 7 * 24 * 3600 * 1000);
    const live = await server.platform.store.db
      .selectFrom("app_tokens")
      .select("id")
      .where("app_id", "=", appId)
      .where("revoked_at", "is", null)
      .execute();
    expect(live).toHaveLength(2);
  });

  it("shows a token only to super admins, recording who looked", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    const shown = await call("POST", `/api/v1/private-apps/${appId}/token/reveal`, { token: await adminToken() });
    expect(shown.body.token).toBe(token);
    const user = await server.platform.store.db
      .insertInto("users")
      .values({
        email: `user-${randomBytes(4).toString("hex")}@x.test`,
        password_hash: "-",
        first_name: "U",
        last_name: "Ser",
        created_at: clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await server.platform.store.db.insertInto("memberships").values({ account_id: accountId, user_id: user.id, role: "user" }).execute();
    const key = await createPersonalAccessKey(server.platform, accountId, user.id, "plain user");
    const plain = await developerToken(key.key);
    for (const [method, path] of [
      ["POST", `/api/v1/private-apps/${appId}/token/reveal`],
      ["GET", `/api/v1/private-apps`],
      ["DELETE", `/api/v1/private-apps/${appId}`],
    ] as const) {
      const res = await call(method, path, { token: plain });
      expect(res.status).toBe(403);
      expect(res.body.category).toBe("USER_DOES_NOT_HAVE_PERMISSIONS");
    }
    const events = await call("GET", `/api/v1/private-apps/${appId}/security-events`, { token: await adminToken() });
    expect(events.body.results).toHaveLength(1);
    expect(events.body.results[0]).toMatchObject({ type: "TOKEN_VIEWED", actor_label: expect.stringContaining("CLI") });
  });

  it("deletes an app: its token dies, its events stay", async () => {
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: ["tickets"] });
    expect((await call("DELETE", `/api/v1/private-apps/${appId}`, { token: await adminToken() })).status).toBe(204);
    expect((await usage(token)).status).toBe(401);
    expect((await call("GET", `/api/v1/private-apps/${appId}`, { token: await adminToken() })).status).toBe(404);
    const events = await server.platform.store.db.selectFrom("security_events").select("type").where("app_id", "=", appId).execute();
    expect(events.map((e) => e.type)).toEqual(["APP_DELETED"]);
  });
});

describe("limits", () => {
  it("refuses the 21st private app, naming the limit and the apps, and changes nothing", async () => {
    const other = await createAccount(server.platform, { name: "Full", admin: { email: `full-${randomBytes(4).toString("hex")}@x.test` } });
    for (let i = 0; i < 20; i++) await createTestApp(server.platform, other.accountId, { uid: `app-${i}`, scopes: ["tickets"] });
    const err = await createTestApp(server.platform, other.accountId, { uid: "app-20", scopes: ["tickets"] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "invalid", category: "VALIDATION_ERROR", details: { subCategory: "PRIVATE_APP_LIMIT" } });
    expect((err as Error).message).toContain("limit of 20");
    expect((err as Error).message).toContain("app-19");
    const count = await server.platform.store.db
      .selectFrom("private_apps")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", other.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(20);
  });

  it("answers the 11th call in ten seconds with HubSpot's TEN_SECONDLY_ROLLING 429", async () => {
    const other = await createAccount(server.platform, {
      name: "Small",
      admin: { email: `small-${randomBytes(4).toString("hex")}@x.test` },
    });
    await server.platform.store.db.updateTable("accounts").set({ api_limit_ten_secondly: 10 }).where("id", "=", other.accountId).execute();
    server.platform.apps.limitPlans.forget(other.accountId);
    const { appId, token } = await createTestApp(server.platform, other.accountId, { scopes: ["tickets"] });
    for (let i = 0; i < 10; i++) expect((await usage(token)).status).toBe(200);
    const res = await usage(token);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({
      status: "error",
      message: "You have reached your ten_secondly_rolling limit.",
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
      groupName: `publicapi:private_app-api-calls-ten-secondly:${appId}:${other.accountId}`,
    });
    expect(Number(res.headers.get("retry-after"))).toBe(10);
    expect(res.headers.get("x-sprocket-ratelimit-policy")).toBe("TEN_SECONDLY_ROLLING");
    // One node counts on the platform's clock: the window ends when it says ten seconds have passed.
    clock.advance(9_999);
    expect((await usage(token)).status).toBe(429);
    clock.advance(1);
    const next = await usage(token);
    expect(next.status).toBe(200);
    expect(next.headers.get("x-hubspot-ratelimit-remaining")).toBe("9");
  });

  it("sends HubSpot's rate-limit header lines, these and in this order, on CRM calls and searches", async () => {
    const other = await createAccount(server.platform, {
      name: "Lines",
      admin: { email: `lines-${randomBytes(4).toString("hex")}@x.test` },
    });
    await server.platform.store.db
      .updateTable("accounts")
      .set({ api_limit_ten_secondly: 3, api_limit_daily: 50, search_limit_secondly: 4 })
      .where("id", "=", other.accountId)
      .execute();
    server.platform.apps.limitPlans.forget(other.accountId);
    const { token } = await createTestApp(server.platform, other.accountId, { scopes: ["crm.objects.contacts.read"] });
    // The raw lines as sent (node:http keeps their order and spelling), every header but the date's value.
    const lines = (method: string, path: string, body?: string) =>
      new Promise<string[]>((resolve, reject) => {
        const req = http.request(
          server.url + path,
          { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) } },
          (res) => {
            res.resume();
            const raw = res.rawHeaders;
            const out: string[] = [`${res.statusCode}`];
            for (let i = 0; i < raw.length; i += 2) out.push(`${raw[i]}: ${/^date$/i.test(raw[i]!) ? "…" : raw[i + 1]}`);
            res.on("end", () => resolve(out));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const get = (remaining: number, secondlyRemaining: number, dailyRemaining: number) => [
      "200",
      "x-hubspot-ratelimit-daily: 50",
      `x-hubspot-ratelimit-daily-remaining: ${dailyRemaining}`,
      "x-hubspot-ratelimit-interval-milliseconds: 10000",
      "x-hubspot-ratelimit-max: 3",
      `x-hubspot-ratelimit-remaining: ${remaining}`,
      "x-hubspot-ratelimit-secondly: 1",
      `x-hubspot-ratelimit-secondly-remaining: ${secondlyRemaining}`,
      "content-type: application/json; charset=utf-8",
      "content-length: 14",
      "Date: …",
      "Connection: keep-alive",
      "Keep-Alive: timeout=72",
    ];
    expect(await lines("GET", "/crm/v3/objects/contacts?limit=1")).toEqual(get(2, 1, 49));
    expect(await lines("GET", "/crm/v3/objects/contacts?limit=1")).toEqual(get(1, 1, 48));
    expect(await lines("GET", "/crm/v3/objects/contacts?limit=1")).toEqual(get(0, 0, 47));
    expect(await lines("POST", "/crm/v3/objects/contacts/search", "{}")).toEqual([
      "200",
      "x-hubspot-ratelimit-secondly: 4",
      "x-hubspot-ratelimit-secondly-remaining: 3",
      "content-type: application/json; charset=utf-8",
      "content-length: 24",
      "Date: …",
      "Connection: keep-alive",
      "Keep-Alive: timeout=72",
    ]);
  });

  it("reads the clock once for a private-app call whose token and limits are cached", async () => {
    const { token } = await createTestApp(server.platform, accountId, { scopes: ["crm.objects.contacts.read"] });
    const p = server.platform;
    const request = { headers: { authorization: `Bearer ${token}` } } as unknown as FastifyRequest;
    const reply = { header: () => reply } as unknown as FastifyReply;
    const config = { auth: "app" as const, scopes: ["crm.objects.contacts.read"], rateLimit: "standard" as const };
    // The first call reads the token and the account's limits; the second has both cached and answers at once.
    await p.authenticators.app(p, request, reply, config);
    const reads = vi.spyOn(clock, "now");
    try {
      expect(p.authenticators.app(p, request, reply, config)).toBeUndefined();
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it("answers past the daily budget with the DAILY 429, shared by the account's apps", async () => {
    const other = await createAccount(server.platform, {
      name: "Daily",
      admin: { email: `daily-${randomBytes(4).toString("hex")}@x.test` },
    });
    await server.platform.store.db.updateTable("accounts").set({ api_limit_daily: 3 }).where("id", "=", other.accountId).execute();
    server.platform.apps.limitPlans.forget(other.accountId);
    const a = await createTestApp(server.platform, other.accountId, { scopes: ["tickets"] });
    const b = await createTestApp(server.platform, other.accountId, { scopes: ["tickets"] });
    expect((await usage(a.token)).status).toBe(200);
    expect((await usage(b.token)).status).toBe(200);
    expect((await usage(a.token)).status).toBe(200);
    const res = await usage(b.token);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ message: "You have reached your daily limit.", policyName: "DAILY", errorType: "RATE_LIMIT" });
  });
});
