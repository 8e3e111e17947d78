import { randomBytes, randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Platform } from "../platform";
import type { Database } from "../store/schema";
import { hashPassword } from "../crypto/password";
import { createPersonalAccessKey } from "./access-keys";

export type Role = "super_admin" | "admin" | "user";

export interface NewAccount {
  name: string;
  tier?: string;
  admin: { email: string; password?: string; firstName?: string; lastName?: string };
}

export interface CreatedAccount {
  accountId: number;
  superAdmin: { email: string; password: string };
  personalAccessKey: string;
}

/** Creates an account, its super admin (reused if the email already exists) and a first personal access key. */
export async function createAccount(p: Platform, input: NewAccount): Promise<CreatedAccount> {
  const password = input.admin.password ?? randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(password, p.config.passwordHashCost);
  const now = p.clock.now();
  return p.store.db.transaction().execute(async (trx) => {
    const accountId = await freeAccountId(trx);
    await trx
      .insertInto("accounts")
      .values({ id: accountId, name: input.name, tier: input.tier ?? "enterprise", max_private_apps: 20, created_at: now })
      .execute();
    const email = input.admin.email.toLowerCase();
    const existing = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    const userId =
      existing?.id ??
      (
        await trx
          .insertInto("users")
          .values({
            email,
            password_hash: passwordHash,
            first_name: input.admin.firstName ?? "Super",
            last_name: input.admin.lastName ?? "Admin",
            created_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    if (existing) await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
    await trx.insertInto("memberships").values({ account_id: accountId, user_id: userId, role: "super_admin" }).execute();
    const personalAccessKey = await createPersonalAccessKey({ ...p, store: { ...p.store, db: trx } }, accountId, userId, "bootstrap");
    return { accountId, superAdmin: { email, password }, personalAccessKey: personalAccessKey.key };
  });
}

/** Account ids look like HubSpot portal ids: eight digits, not guessable from creation order. */
// Takes the transaction: on SQLite a query outside it would wait for the one connection the transaction holds.
async function freeAccountId(db: Kysely<Database>): Promise<number> {
  for (;;) {
    const id = randomInt(10_000_000, 99_999_999);
    const taken = await db.selectFrom("accounts").select("id").where("id", "=", id).executeTakeFirst();
    if (!taken) return id;
  }
}

export async function getAccount(p: Platform, accountId: number) {
  return p.store.db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
}

export async function accountsOfUser(p: Platform, userId: number) {
  return p.store.db
    .selectFrom("memberships")
    .innerJoin("accounts", "accounts.id", "memberships.account_id")
    .select(["accounts.id", "accounts.name", "accounts.tier", "memberships.role"])
    .where("memberships.user_id", "=", userId)
    .orderBy("accounts.id")
    .execute();
}

export async function roleIn(p: Platform, accountId: number, userId: number): Promise<Role | undefined> {
  const row = await p.store.db
    .selectFrom("memberships")
    .select("role")
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.role;
}
