import type { Platform } from "../platform";
import { randomToken, sha256 } from "../crypto/opaque-token";
import { unmatchableHash, verifyPassword } from "../crypto/password";
import { recordSecurityEvent } from "../logs/security-events";
import { accountsOfUser, type Role } from "./account-service";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionPrincipal {
  userId: number;
  accountId: number;
  role: Role;
  csrfToken: string;
  email: string;
}

/** Checks the password and opens a session on the user's first account (the account switcher moves it). */
export async function signIn(p: Platform, email: string, password: string) {
  const user = await p.store.db.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
  // Verify against a dummy hash when the user is unknown so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.password_hash ?? unmatchableHash(p.config.passwordHashCost));
  if (!user || !ok) return undefined;
  const accounts = await accountsOfUser(p, user.id);
  const first = accounts[0];
  if (!first) return undefined;
  return openSession(p, user.id, first.id);
}

/** A new console session of a user in one of their accounts (sign-in, or an accepted invite). */
export async function openSession(p: Platform, userId: number, accountId: number) {
  const sessionId = randomToken("");
  const csrfToken = randomToken("", 24);
  const now = p.clock.now();
  await p.store.db
    .insertInto("sessions")
    .values({
      id_hash: sha256(sessionId),
      user_id: userId,
      account_id: accountId,
      csrf_token: csrfToken,
      expires_at: now + SESSION_TTL_MS,
      created_at: now,
    })
    .execute();
  return { sessionId, csrfToken, userId, accountId };
}

/** A SIGN_IN_FAILED event in each account of a known user (the password itself is never recorded); unknown emails have no account to tell. */
export async function recordSignInFailure(p: Platform, email: string, address: string): Promise<void> {
  const user = await p.store.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  if (!user) return;
  const now = p.clock.now();
  for (const account of await accountsOfUser(p, user.id)) {
    await recordSecurityEvent(p.store.db, now, {
      accountId: account.id,
      type: "SIGN_IN_FAILED",
      actor: { userId: user.id, label: email, address },
      details: { email },
    });
  }
}

export async function resolveSession(p: Platform, sessionId: string): Promise<SessionPrincipal | undefined> {
  const row = await p.store.db
    .selectFrom("sessions")
    .innerJoin("memberships", (j) =>
      j.onRef("memberships.user_id", "=", "sessions.user_id").onRef("memberships.account_id", "=", "sessions.account_id"),
    )
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.user_id", "sessions.account_id", "sessions.csrf_token", "sessions.expires_at", "memberships.role", "users.email"])
    .where("sessions.id_hash", "=", sha256(sessionId))
    .executeTakeFirst();
  if (!row || row.expires_at <= p.clock.now()) return undefined;
  return { userId: row.user_id, accountId: row.account_id, role: row.role, csrfToken: row.csrf_token, email: row.email };
}

export async function switchAccount(p: Platform, sessionId: string, accountId: number): Promise<boolean> {
  const session = await resolveSession(p, sessionId);
  if (!session) return false;
  const member = await p.store.db
    .selectFrom("memberships")
    .select("role")
    .where("user_id", "=", session.userId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!member) return false;
  await p.store.db.updateTable("sessions").set({ account_id: accountId }).where("id_hash", "=", sha256(sessionId)).execute();
  return true;
}

export async function signOut(p: Platform, sessionId: string): Promise<void> {
  await p.store.db.deleteFrom("sessions").where("id_hash", "=", sha256(sessionId)).execute();
}
