import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { createAccount } from "../src/accounts/account-service";
import { createPersonalAccessKey } from "../src/accounts/access-keys";
import { hashPassword } from "../src/crypto/password";

/** M1: revoking a personal access key touches only the caller's own key in the caller's own account. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
});
afterAll(async () => {
  await server.stop();
});

async function session(email: string, password: string) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return { cookie: res.headers.getSetCookie()[0]!.split(";")[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function bearerFor(key: string): Promise<string> {
  const res = await fetch(`${server.url}/localdevauth/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ encodedOAuthRefreshToken: key }),
  });
  return ((await res.json()) as { oauthAccessToken: string }).oauthAccessToken;
}

const accounts = (token: string) =>
  fetch(`${server.url}/api/v1/accounts`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const revoke = (s: { cookie: string; csrf: string }, keyId: number) =>
  fetch(`${server.url}/api/v1/personal-access-keys/${keyId}`, { method: "DELETE", headers: { cookie: s.cookie, "x-csrf-token": s.csrf } });

describe("revoking a personal access key", () => {
  it("from another account's session is a 404 that leaves the victim's CLI token working", async () => {
    const victim = await createAccount(server.platform, { name: "Victim", admin: { email: `victim-${Date.now()}@m1.test` } });
    const key = await server.platform.store.db
      .selectFrom("personal_access_keys")
      .select("id")
      .where("account_id", "=", victim.accountId)
      .executeTakeFirstOrThrow();
    const token = await bearerFor(victim.personalAccessKey);
    expect(await accounts(token)).toBe(200);

    const attacker = await createAccount(server.platform, { name: "Attacker", admin: { email: `attacker-${Date.now()}@m1.test` } });
    const res = await revoke(await session(attacker.superAdmin.email, attacker.superAdmin.password), key.id);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" });
    expect(await accounts(token)).toBe(200);
    expect((await bearerFor(victim.personalAccessKey)).startsWith("spt_")).toBe(true);
  });

  it("of another member in the same account is a 404, even for a super admin; one's own key revokes", async () => {
    const p = server.platform;
    const accountId = server.bootstrap.info.accountId;
    const email = `member-${Date.now()}@m1.test`;
    const { id: memberId } = await p.store.db
      .insertInto("users")
      .values({
        email,
        password_hash: await hashPassword("member-pw-1", p.config.passwordHashCost),
        first_name: "M",
        last_name: "One",
        created_at: p.clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await p.store.db.insertInto("memberships").values({ account_id: accountId, user_id: memberId, role: "user" }).execute();
    const memberKey = await createPersonalAccessKey(p, accountId, memberId, "member cli");
    const memberToken = await bearerFor(memberKey.key);

    const admin = server.bootstrap.info.superAdmin;
    const adminKey = await createPersonalAccessKey(
      p,
      accountId,
      (await p.store.db.selectFrom("users").select("id").where("email", "=", admin.email).executeTakeFirstOrThrow()).id,
      "admin cli",
    );
    const adminToken = await bearerFor(adminKey.key);

    const member = await session(email, "member-pw-1");
    expect((await revoke(member, adminKey.id)).status).toBe(404);
    expect(await accounts(adminToken)).toBe(200);

    const superAdmin = await session(admin.email, admin.password);
    expect((await revoke(superAdmin, memberKey.id)).status).toBe(404);
    expect(await accounts(memberToken)).toBe(200);

    expect((await revoke(member, memberKey.id)).status).toBe(204);
    expect(await accounts(memberToken)).toBe(401);
    expect(await accounts(adminToken)).toBe(200);
  });

  it("a resolved CLI token is answered from this node's cache until a revocation clears it", async () => {
    const p = server.platform;
    const key = await createPersonalAccessKey(p, server.bootstrap.info.accountId, 1, "cache check");
    const token = await bearerFor(key.key);
    const first = await p.accounts.developerTokens.resolve(token);
    expect(first).toMatchObject({ accountId: server.bootstrap.info.accountId, keyId: key.id });
    // A hit is answered without a read: synchronously, not as a promise.
    const hit = p.accounts.developerTokens.resolve(token);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toEqual(first);
    await p.store.db.deleteFrom("developer_tokens").where("key_id", "=", key.id).execute();
    p.accounts.developerTokens.invalidate();
    expect(await p.accounts.developerTokens.resolve(token)).toBeUndefined();
  });
});
