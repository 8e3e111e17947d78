import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";
import { createAccount } from "../src/accounts/account-service";
import { exchangePersonalAccessKey } from "../src/accounts/access-keys";
import { INVITE_TTL_MS } from "../src/accounts/invites";
import { listSecurityEvents } from "../src/logs/security-events";

/** Invitations (issue 23 item 7): a super admin invites by email; the one-time link lets the person in, once, for a while. */
let server: TestServer;
const clock = manualClock();
let accountId: number;
let admin: Session;

interface Session {
  cookie: string;
  csrf: string;
}
interface Answer {
  status: number;
  body: Record<string, unknown> & { [key: string]: unknown };
  cookie?: string;
}

beforeAll(async () => {
  server = await startTestServer({ clock, demoCrm: false });
  accountId = server.bootstrap.info.accountId;
  admin = await signIn("admin@sprocket.local", server.bootstrap.info.superAdmin.password);
});
afterAll(async () => {
  await server.stop();
});

async function call(method: "GET" | "POST" | "PUT", url: string, opts: { body?: unknown; session?: Session; bearer?: string } = {}) {
  const res = await server.app.inject({
    method,
    url,
    headers: {
      // The link is built on the address the admin reached the server at (no public URL is configured here).
      host: new URL(server.url).host,
      ...(opts.session ? { cookie: opts.session.cookie, "x-csrf-token": opts.session.csrf } : {}),
      ...(opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : {}),
    },
    ...(opts.body === undefined ? {} : { payload: opts.body as object }),
  });
  const cookie = res.cookies[0];
  return {
    status: res.statusCode,
    body: res.body ? (JSON.parse(res.body) as Answer["body"]) : {},
    ...(cookie ? { cookie: `${cookie.name}=${cookie.value}` } : {}),
  } satisfies Answer;
}

async function signIn(email: string, password: string): Promise<Session> {
  const res = await call("POST", "/api/v1/session", { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { cookie: res.cookie!, csrf: res.body.csrfToken as string };
}

const tokenOf = (url: unknown) => /\/invite\/(inv_[\w-]+)$/.exec(String(url))![1]!;

async function invite(email: string, role: string, session = admin) {
  const res = await call("POST", "/api/v1/account-invites", { session, body: { email, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...(res.body as { email: string; role: string; expiresAt: number; url: string }), token: tokenOf(res.body.url) };
}

describe("invitations", () => {
  it("a new person opens the link once, sets a password and is a member with the invited role; both steps are security events", async () => {
    const created = await invite("New.Person@Invite.test", "admin");
    expect(created).toMatchObject({ email: "new.person@invite.test", role: "admin", expiresAt: clock.now() + INVITE_TTL_MS });
    expect(created.url).toMatch(new RegExp(`^${server.url}/invite/inv_`));

    const pending = await call("GET", "/api/v1/account-invites", { session: admin });
    expect(pending.body.results).toEqual([expect.objectContaining({ email: "new.person@invite.test", role: "admin" })]);

    const info = await call("GET", `/api/v1/invites/${created.token}`);
    expect(info.body).toEqual({
      email: "new.person@invite.test",
      accountId,
      accountName: expect.any(String),
      role: "admin",
      existingUser: false,
    });

    // A too-short password is refused with the rule, and loses nothing: the link still works.
    const short = await call("POST", `/api/v1/invites/${created.token}/accept`, { body: { password: "short" } });
    expect(short.status).toBe(400);
    expect(short.body.message).toContain("at least 8 characters");

    const accepted = await call("POST", `/api/v1/invites/${created.token}/accept`, {
      body: { password: "a-good-password", firstName: "New", lastName: "Person" },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const session = { cookie: accepted.cookie!, csrf: accepted.body.csrfToken as string };
    const state = await call("GET", "/api/v1/session", { session });
    expect(state.body).toMatchObject({ signedIn: true, email: "new.person@invite.test", accountId, role: "admin" });
    // The password set through the link signs in.
    await signIn("new.person@invite.test", "a-good-password");

    const again = await call("POST", `/api/v1/invites/${created.token}/accept`, { body: { password: "another-password" } });
    expect(again.status).toBe(404);
    expect(again.body.message).toContain("already used or expired");
    expect((await call("GET", `/api/v1/invites/${created.token}`)).status).toBe(404);
    expect((await call("GET", "/api/v1/account-invites", { session: admin })).body.results).toEqual([]);

    const events = (await listSecurityEvents(server.platform.store.db, accountId)).filter(
      (e) => e.type.startsWith("INVITE") || e.type === "USER_INVITED",
    );
    expect(events.map((e) => [e.type, e.actor_label])).toEqual([
      ["INVITE_ACCEPTED", "new.person@invite.test"],
      ["USER_INVITED", "admin@sprocket.local"],
    ]);
    // Only the hash of the link's token is stored.
    const stored = await server.platform.store.db.selectFrom("account_invites").select("token_hash").execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(created.token);
  });

  it("someone with a login in another account proves it with their password, keeps it, and then switches between both accounts", async () => {
    const other = await createAccount(server.platform, {
      name: "Other account",
      admin: { email: "other@invite.test", password: "other-password" },
    });
    const created = await invite("other@invite.test", "user");
    expect((await call("GET", `/api/v1/invites/${created.token}`)).body).toMatchObject({ existingUser: true });

    const wrong = await call("POST", `/api/v1/invites/${created.token}/accept`, { body: { password: "a-new-password" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain("the password you sign in with");

    const accepted = await call("POST", `/api/v1/invites/${created.token}/accept`, { body: { password: "other-password" } });
    expect(accepted.status).toBe(200);
    const session = { cookie: accepted.cookie!, csrf: accepted.body.csrfToken as string };
    const state = await call("GET", "/api/v1/session", { session });
    expect(state.body).toMatchObject({ accountId, role: "user" });
    expect((state.body.accounts as { id: number }[]).map((a) => a.id).sort()).toEqual([accountId, other.accountId].sort());

    const switched = await call("PUT", "/api/v1/session/account", { session, body: { accountId: other.accountId } });
    expect(switched.status).toBe(200);
    expect((await call("GET", "/api/v1/session", { session })).body).toMatchObject({ accountId: other.accountId, role: "super_admin" });
    // A plain user may not invite.
    const refused = await call("POST", "/api/v1/account-invites", {
      session: await signInTo("other@invite.test", "other-password", accountId),
      body: { email: "x@invite.test", role: "user" },
    });
    expect(refused.status).toBe(403);
  });

  it("a link expires; members and bad input are refused with a clear 4xx; a CLI invite names its actor by email", async () => {
    const created = await invite("late@invite.test", "user");
    clock.advance(INVITE_TTL_MS + 1);
    const late = await call("POST", `/api/v1/invites/${created.token}/accept`, { body: { password: "a-good-password" } });
    expect(late.status).toBe(404);
    expect((await call("GET", "/api/v1/invites/inv_unknown")).status).toBe(404);
    // Three days on, the admin's session has expired too.
    admin = await signIn("admin@sprocket.local", server.bootstrap.info.superAdmin.password);

    const member = await call("POST", "/api/v1/account-invites", { session: admin, body: { email: "ADMIN@sprocket.local", role: "user" } });
    expect(member.status).toBe(409);
    expect(member.body.message).toContain("already a user of this account");
    const bad = await call("POST", "/api/v1/account-invites", { session: admin, body: { email: "not an email", role: "owner" } });
    expect(bad.status).toBe(400);

    const { oauthAccessToken } = await exchangePersonalAccessKey(server.platform, server.bootstrap.info.personalAccessKey);
    const viaCli = await call("POST", "/api/v1/account-invites", {
      bearer: oauthAccessToken,
      body: { email: "cli@invite.test", role: "user" },
    });
    expect(viaCli.status).toBe(201);
    const [latest] = await listSecurityEvents(server.platform.store.db, accountId, { limit: 1 });
    expect(latest).toMatchObject({ type: "USER_INVITED", actor_label: "admin@sprocket.local (CLI)" });
  });
});

async function signInTo(email: string, password: string, account: number): Promise<Session> {
  const session = await signIn(email, password);
  expect((await call("PUT", "/api/v1/session/account", { session, body: { accountId: account } })).status).toBe(200);
  return session;
}
