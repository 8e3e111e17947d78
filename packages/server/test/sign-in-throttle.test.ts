import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { createAccount } from "../src/accounts/account-service";
import { ConfigError, loadConfig } from "../src/config";
import { Redis } from "ioredis";
import { ApiLimits } from "../src/apps/rate-limits";

/** F6 (atomic sign-in throttle, per-address cap) and F13 (trustProxy, Secure cookie). */
const signIn = (server: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
  server.app.inject({
    method: "POST",
    url: "/api/v1/session",
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify({ email, password }),
  });

// One server with the default settings for the throttle and for the default proxy trust: each start is a database,
// its migrations and a password hash.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
});
afterAll(async () => {
  await server.stop();
});

describe("sign-in throttle", () => {
  it("evaluates at most 10 of 30 parallel wrong passwords; the other 20 are 429 before any hashing", async () => {
    const email = `burst-${Date.now()}@throttle.test`;
    const { superAdmin } = await createAccount(server.platform, { name: "Burst", admin: { email } });
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(server, email, i === 29 ? superAdmin.password : `guess-${i}`)),
    );
    const statuses = attempts.map((r) => r.statusCode);
    // The right password, sent last in the burst, is among the refused: a 429 means the password was never checked.
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 200).length).toBe(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const refused = attempts.find((r) => r.statusCode === 429)!;
    expect(refused.json()).toMatchObject({ status: "error", category: "RATE_LIMITS" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("does not count a successful sign-in against the limit", async () => {
    const email = `ok-${Date.now()}@throttle.test`;
    const { superAdmin } = await createAccount(server.platform, { name: "Fine", admin: { email } });
    for (let i = 0; i < 9; i++) expect((await signIn(server, email, `wrong-${i}`)).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await signIn(server, email, superAdmin.password)).statusCode).toBe(200);
    expect((await signIn(server, email, "wrong-9")).statusCode).toBe(401);
    expect((await signIn(server, email, superAdmin.password)).statusCode).toBe(429);
  });
});

describe("sign-in reservations in Redis (scale-out)", () => {
  it("admits 10 of 30 parallel attempts across two nodes and gives a slot back on success", async () => {
    const clients = [new Redis("redis://127.0.0.1:6379"), new Redis("redis://127.0.0.1:6379")];
    const prefix = `test-signin-${process.pid}-${Date.now()}`;
    try {
      const nodes = clients.map((c) => new ApiLimits(c, prefix));
      const now = Date.now();
      const tries = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => nodes[i % 2]!.reserveSignIn("who@redis.test", "192.0.2.1", now)),
      );
      const admitted = tries.filter((t): t is PromiseFulfilledResult<() => Promise<void>> => t.status === "fulfilled");
      expect(admitted).toHaveLength(10);
      expect(tries.filter((t) => t.status === "rejected").map((t) => (t as PromiseRejectedResult).reason.kind)).toEqual(
        Array(20).fill("limit"),
      );
      await admitted[0]!.value();
      await expect(nodes[1]!.reserveSignIn("who@redis.test", "192.0.2.1", now)).resolves.toBeTypeOf("function");
      await expect(nodes[0]!.reserveSignIn("who@redis.test", "192.0.2.1", now)).rejects.toMatchObject({ kind: "limit" });
    } finally {
      const keys = await clients[0]!.keys(`${prefix}:*`);
      if (keys.length > 0) await clients[0]!.del(...keys);
      await Promise.all(clients.map((c) => c.quit()));
    }
  });
});

describe("behind a trusted proxy", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoCrm: false, env: { SPROCKET_TRUST_PROXY: "127.0.0.1" } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("caps one address at 50 failures across emails (password spraying), other addresses unaffected", async () => {
    const from = { "x-forwarded-for": "203.0.113.7" };
    const stamp = Date.now();
    const sprayed = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signIn(server, `spray-${stamp}-${i}@throttle.test`, "Winter2026!", from)),
    );
    expect(sprayed.filter((r) => r.statusCode === 401)).toHaveLength(50);
    expect(sprayed.filter((r) => r.statusCode === 429)).toHaveLength(10);
    const blocked = await signIn(server, `spray-${stamp}-fresh@throttle.test`, "Winter2026!", from);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({
      status: "error",
      category: "RATE_LIMITS",
      message: expect.stringContaining("from this address"),
    });
    // The operator's own sign-in from another address still works.
    const info = server.bootstrap.info;
    expect((await signIn(server, info.superAdmin.email, info.superAdmin.password, { "x-forwarded-for": "198.51.100.1" })).statusCode).toBe(
      200,
    );
  });

  it("takes the client address and the scheme from the proxy's headers: security events and a Secure cookie", async () => {
    const info = server.bootstrap.info;
    const res = await signIn(server, info.superAdmin.email, info.superAdmin.password, {
      "x-forwarded-for": "198.51.100.9",
      "x-forwarded-proto": "https",
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["set-cookie"])).toMatch(/;\s*Secure/i);
    await signIn(server, info.superAdmin.email, "wrong", { "x-forwarded-for": "198.51.100.9" });
    const events = await server.platform.store.db
      .selectFrom("security_events")
      .select("address")
      .where("type", "=", "SIGN_IN_FAILED")
      .execute();
    expect(events.map((e) => e.address)).toContain("198.51.100.9");
  });
});

describe("without proxy trust (the default)", () => {
  it("ignores X-Forwarded-For and -Proto: the socket's peer is the client, no Secure over plain HTTP", async () => {
    const info = server.bootstrap.info;
    const res = await signIn(server, info.superAdmin.email, info.superAdmin.password, {
      "x-forwarded-for": "198.51.100.9",
      "x-forwarded-proto": "https",
    });
    expect(String(res.headers["set-cookie"])).not.toMatch(/;\s*Secure/i);
    await signIn(server, info.superAdmin.email, "wrong", { "x-forwarded-for": "198.51.100.9" });
    // The operator's account only: the throttle's tests above fail sign-ins into accounts of their own.
    const events = await server.platform.store.db
      .selectFrom("security_events")
      .select("address")
      .where("type", "=", "SIGN_IN_FAILED")
      .where("account_id", "=", info.accountId)
      .execute();
    expect(events.map((e) => e.address)).toEqual(["127.0.0.1"]);
  });
});

// Test servers hash passwords at a lower cost (test-server.ts); this one keeps production's default.
describe("an https public URL, at the default password hash cost", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      demoCrm: false,
      env: { SPROCKET_PUBLIC_URL: "https://crm.example.com", SPROCKET_PASSWORD_HASH_COST: undefined },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("marks the session cookie Secure even when the proxy is not trusted", async () => {
    const info = server.bootstrap.info;
    const res = await signIn(server, info.superAdmin.email, info.superAdmin.password);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["set-cookie"])).toMatch(/;\s*Secure/i);
  });

  it("stores and checks the operator's password at scrypt's N = 2^15; a wrong one and an unknown email are refused", async () => {
    const info = server.bootstrap.info;
    const user = await server.platform.store.db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", info.superAdmin.email.toLowerCase())
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$32768\$/);
    expect((await signIn(server, info.superAdmin.email, "wrong")).statusCode).toBe(401);
    expect((await signIn(server, `nobody-${Date.now()}@throttle.test`, info.superAdmin.password)).statusCode).toBe(401);
  });
});

describe("SPROCKET_TRUST_PROXY", () => {
  it.each([
    [undefined, false],
    ["false", false],
    ["true", true],
    ["2", 2],
    ["127.0.0.1, 10.0.0.0/8,loopback,::1", ["127.0.0.1", "10.0.0.0/8", "loopback", "::1"]],
  ])("reads %j as %j", (raw, expected) => {
    expect(loadConfig({}, raw === undefined ? {} : { SPROCKET_TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each(["yes", "10.0.0.0/33", "nginx.local", "1.2.3.4/8/9"])("refuses %j naming the setting", (raw) => {
    expect(() => loadConfig({}, { SPROCKET_TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadConfig({}, { SPROCKET_TRUST_PROXY: raw })).toThrow("SPROCKET_TRUST_PROXY");
  });
});
