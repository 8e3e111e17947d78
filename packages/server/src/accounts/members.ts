import type { Platform } from "../platform";
import { DomainError, notFound } from "../errors/domain-error";
import type { Role } from "./account-service";

export async function listMembers(p: Platform, accountId: number) {
  const rows = await p.store.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.email", "users.first_name", "users.last_name", "memberships.role"])
    .where("memberships.account_id", "=", accountId)
    .orderBy("users.email")
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, firstName: r.first_name, lastName: r.last_name, role: r.role }));
}

/** Changes a member's role; an account always keeps at least one super admin (else nobody could manage its apps). */
export async function setMemberRole(p: Platform, accountId: number, userId: number, role: Role): Promise<void> {
  await p.store.db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom("memberships")
      .select("role")
      .where("account_id", "=", accountId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!member) throw notFound(`User ${userId} is not a member of account ${accountId}.`);
    if (member.role === "super_admin" && role !== "super_admin") {
      const supers = await trx
        .selectFrom("memberships")
        .select("user_id")
        .where("account_id", "=", accountId)
        .where("role", "=", "super_admin")
        .execute();
      if (supers.length <= 1)
        throw new DomainError("invalid", "This is the account's only super admin: make someone else super admin first.");
    }
    await trx.updateTable("memberships").set({ role }).where("account_id", "=", accountId).where("user_id", "=", userId).execute();
  });
}
