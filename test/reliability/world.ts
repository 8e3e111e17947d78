import { createAccount } from "../../packages/server/src/accounts/account-service";
import { hashPassword } from "../../packages/server/src/crypto/password";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ALL_CRM_SCOPES, liftLimits } from "../../packages/server/test/support/crm-client";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import type { Clock } from "../../packages/server/src/platform";

export interface Session {
  cookie: string;
  csrf: string;
}

/** An account with every kind of credential the server knows. */
export interface Tenant {
  accountId: number;
  email: string;
  password: string;
  personalAccessKey: string;
  /** A CLI bearer token minted from the key. */
  developerToken: string;
  appId: number;
  /** A private app's token with every CRM scope. */
  appToken: string;
  /** The super admin in the console. */
  admin: Session;
  /** A member with role `user` (not an admin) in the console. */
  member: Session;
}

export interface World {
  server: TestServer;
  a: Tenant;
  b: Tenant;
}

export async function signInSession(baseUrl: string, email: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

export async function developerToken(baseUrl: string, key: string): Promise<string> {
  const res = await fetch(`${baseUrl}/localdevauth/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ encodedOAuthRefreshToken: key }),
  });
  return ((await res.json()) as { oauthAccessToken: string }).oauthAccessToken;
}

async function tenant(server: TestServer, label: string): Promise<Tenant> {
  const p = server.platform;
  const stamp = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await createAccount(p, { name: `Reliability ${label}`, admin: { email: `admin-${stamp}@example.com` } });
  await liftLimits(server, created.accountId);
  const memberEmail = `member-${stamp}@example.com`;
  const memberPassword = "member-password-1";
  const { id: memberId } = await p.store.db
    .insertInto("users")
    .values({
      email: memberEmail,
      password_hash: await hashPassword(memberPassword, p.config.passwordHashCost),
      first_name: "Plain",
      last_name: "User",
      created_at: p.clock.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await p.store.db.insertInto("memberships").values({ account_id: created.accountId, user_id: memberId, role: "user" }).execute();
  const app = await createTestApp(p, created.accountId, { scopes: [...ALL_CRM_SCOPES, "e-commerce"] });
  return {
    accountId: created.accountId,
    email: created.superAdmin.email,
    password: created.superAdmin.password,
    personalAccessKey: created.personalAccessKey,
    developerToken: await developerToken(server.url, created.personalAccessKey),
    appId: app.appId,
    appToken: app.token,
    admin: await signInSession(server.url, created.superAdmin.email, created.superAdmin.password),
    member: await signInSession(server.url, memberEmail, memberPassword),
  };
}

/**
 * A real server on loopback over the engine under test, with two accounts (A and B) and their credentials. The cases
 * use A and B only: the demo account's CRM is not seeded (most of a start).
 */
export async function openWorld(opts: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): Promise<World> {
  const server = await startTestServer({
    demoCrm: false,
    env: { SPROCKET_LOG_LEVEL: "silent", ...opts.env },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return { server, a: await tenant(server, "a"), b: await tenant(server, "b") };
}
