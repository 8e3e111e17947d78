import type { Platform } from "../platform";
import { randomToken, sha256 } from "../crypto/opaque-token";
import { unauthenticated } from "../errors/domain-error";

/** Developer bearer tokens live 30 minutes, like HubSpot's; the CLI refreshes them 5 minutes before expiry. */
export const DEVELOPER_TOKEN_TTL_MS = 30 * 60 * 1000;

export async function createPersonalAccessKey(p: Platform, accountId: number, userId: number, name: string) {
  const key = randomToken("spk_");
  const row = await p.store.db
    .insertInto("personal_access_keys")
    .values({
      account_id: accountId,
      user_id: userId,
      name,
      key_hash: sha256(key),
      key_prefix: key.slice(0, 10),
      created_at: p.clock.now(),
      last_used_at: null,
      revoked_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

export async function listPersonalAccessKeys(p: Platform, accountId: number, userId: number) {
  return p.store.db
    .selectFrom("personal_access_keys")
    .select(["id", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"])
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .orderBy("id")
    .execute();
}

/**
 * Revokes one of the caller's own keys, in the caller's account, and every bearer token minted from it. Another
 * member's key or another account's is "not found": nobody, super admins included, revokes someone else's key here
 * (the console lists only one's own keys, and key ids are sequential, so anything wider invites a sweep).
 */
export async function revokePersonalAccessKey(p: Platform, accountId: number, userId: number, keyId: number): Promise<boolean> {
  return p.store.db
    .transaction()
    .execute(async (trx) => {
      const res = await trx
        .updateTable("personal_access_keys")
        .set({ revoked_at: p.clock.now() })
        .where("id", "=", keyId)
        .where("account_id", "=", accountId)
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return false;
      await trx
        .deleteFrom("developer_tokens")
        .where("key_id", "=", keyId)
        .where("account_id", "=", accountId)
        .where("user_id", "=", userId)
        .execute();
      return true;
    })
    .then((revoked) => {
      if (revoked) p.accounts.developerTokens.invalidate();
      return revoked;
    });
}

/** `POST /localdevauth/v1/auth/refresh`: a personal access key in, a short-lived bearer token out. */
export async function exchangePersonalAccessKey(p: Platform, key: string, portalId?: number) {
  const now = p.clock.now();
  const row = await p.store.db
    .selectFrom("personal_access_keys")
    .innerJoin("accounts", "accounts.id", "personal_access_keys.account_id")
    .select([
      "personal_access_keys.id",
      "personal_access_keys.account_id",
      "personal_access_keys.user_id",
      "personal_access_keys.revoked_at",
      "accounts.name as account_name",
    ])
    .where("key_hash", "=", sha256(key))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null)
    throw unauthenticated("The personal access key is unknown or has been revoked. Create a new one in Settings → Personal access keys.");
  if (portalId !== undefined && portalId !== row.account_id) {
    throw unauthenticated(`The personal access key belongs to account ${row.account_id}, not ${portalId}.`);
  }
  const token = randomToken("spt_");
  const expiresAt = now + DEVELOPER_TOKEN_TTL_MS;
  await p.store.db
    .insertInto("developer_tokens")
    .values({ token_hash: sha256(token), key_id: row.id, account_id: row.account_id, user_id: row.user_id, expires_at: expiresAt })
    .execute();
  await p.store.db.updateTable("personal_access_keys").set({ last_used_at: now }).where("id", "=", row.id).execute();
  // Expired tokens are swept here, on the rare path, instead of by a timer.
  await p.store.db.deleteFrom("developer_tokens").where("expires_at", "<", now).execute();
  return {
    hubId: row.account_id,
    userId: row.user_id,
    oauthAccessToken: token,
    expiresAtMillis: expiresAt,
    scopeGroups: ["developer-projects", "crm", "serverless-functions"],
    enabledFeatures: {},
    encodedOAuthRefreshToken: key,
    hubName: row.account_name,
    accountType: "STANDARD",
  };
}
