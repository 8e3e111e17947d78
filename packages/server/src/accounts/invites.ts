import type { Platform } from "../platform";
import type { Actor } from "../logs/security-events";
import { recordSecurityEvent } from "../logs/security-events";
import { randomToken, sha256 } from "../crypto/opaque-token";
import { hashPassword, verifyPassword } from "../crypto/password";
import { conflict, DomainError, invalid, notFound } from "../errors/domain-error";
import type { Role } from "./account-service";
import { openSession } from "./sessions";

/** An invite link opens for three days: long enough to reach someone over a weekend, short enough to go stale in a chat log. */
export const INVITE_TTL_MS = 3 * 24 * 60 * 60 * 1000;
/** A new user's password: the only rule, since no mail server can send a reset link. */
const MIN_PASSWORD_LENGTH = 8;

const gone = () => notFound("This invite link is unknown, already used or expired. Ask a super admin of the account for a new one.");

/** Records the invitation and returns its one-time token (only its hash is stored). Inviting the same email again replaces the older link. */
export async function createInvite(p: Platform, accountId: number, input: { email: string; role: Role }, actor: Actor) {
  const email = input.email.toLowerCase();
  const token = randomToken("inv_");
  const now = p.clock.now();
  return p.store.db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .select("users.id")
      .where("memberships.account_id", "=", accountId)
      .where("users.email", "=", email)
      .executeTakeFirst();
    if (member) throw conflict(`${email} is already a user of this account; change their role in the table instead.`);
    await trx
      .deleteFrom("account_invites")
      .where("account_id", "=", accountId)
      .where("email", "=", email)
      .where("accepted_at", "is", null)
      .execute();
    const row = await trx
      .insertInto("account_invites")
      .values({
        account_id: accountId,
        email,
        role: input.role,
        token_hash: sha256(token),
        invited_by: actor.userId,
        created_at: now,
        expires_at: now + INVITE_TTL_MS,
        accepted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordSecurityEvent(trx, now, { accountId, type: "USER_INVITED", actor, details: { email, role: input.role, inviteId: row.id } });
    return { id: row.id, email, role: input.role, expiresAt: now + INVITE_TTL_MS, token };
  });
}

export async function listPendingInvites(p: Platform, accountId: number) {
  const rows = await p.store.db
    .selectFrom("account_invites")
    .select(["id", "email", "role", "created_at", "expires_at"])
    .where("account_id", "=", accountId)
    .where("accepted_at", "is", null)
    .where("expires_at", ">", p.clock.now())
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at, expiresAt: r.expires_at }));
}

async function openInvite(p: Platform, token: string) {
  const row = await p.store.db
    .selectFrom("account_invites")
    .innerJoin("accounts", "accounts.id", "account_invites.account_id")
    .select([
      "account_invites.id",
      "account_invites.account_id",
      "account_invites.email",
      "account_invites.role",
      "account_invites.expires_at",
      "account_invites.accepted_at",
      "accounts.name as account_name",
    ])
    .where("account_invites.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.accepted_at !== null || row.expires_at <= p.clock.now()) throw gone();
  const user = await p.store.db.selectFrom("users").select(["id", "password_hash"]).where("email", "=", row.email).executeTakeFirst();
  return { invite: row, user };
}

/** What the invite page shows before the invitee answers. */
export async function describeInvite(p: Platform, token: string) {
  const { invite, user } = await openInvite(p, token);
  return {
    email: invite.email,
    accountId: invite.account_id,
    accountName: invite.account_name,
    role: invite.role,
    existingUser: user !== undefined,
  };
}

/**
 * Uses the link: a new person sets their password; someone who already has a login (in another account) proves it
 * with their current password, so a super admin of one account cannot take over a login that others share.
 * Marks the link used in the same transaction that adds the membership: a second use finds it gone.
 */
export async function acceptInvite(
  p: Platform,
  token: string,
  input: { password: string; firstName?: string | undefined; lastName?: string | undefined },
  address: string,
) {
  const { invite, user } = await openInvite(p, token);
  if (user) {
    if (!(await verifyPassword(input.password, user.password_hash)))
      throw new DomainError("unauthenticated", `Wrong password for ${invite.email}: enter the password you sign in with.`);
  } else if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const passwordHash = user ? undefined : await hashPassword(input.password, p.config.passwordHashCost);
  const now = p.clock.now();
  const userId = await p.store.db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable("account_invites")
      .set({ accepted_at: now })
      .where("id", "=", invite.id)
      .where("accepted_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) throw gone();
    const id =
      user?.id ??
      (
        await trx
          .insertInto("users")
          .values({
            email: invite.email,
            password_hash: passwordHash!,
            first_name: input.firstName?.trim() ?? "",
            last_name: input.lastName?.trim() ?? "",
            created_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const member = await trx
      .selectFrom("memberships")
      .select("role")
      .where("account_id", "=", invite.account_id)
      .where("user_id", "=", id)
      .executeTakeFirst();
    if (!member) await trx.insertInto("memberships").values({ account_id: invite.account_id, user_id: id, role: invite.role }).execute();
    await recordSecurityEvent(trx, now, {
      accountId: invite.account_id,
      type: "INVITE_ACCEPTED",
      actor: { userId: id, label: invite.email, address },
      details: { email: invite.email, role: invite.role, inviteId: invite.id, newUser: user === undefined },
    });
    return id;
  });
  return openSession(p, userId, invite.account_id);
}
