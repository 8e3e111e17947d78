import { randomUUID } from "node:crypto";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { recordSecurityEvent, type Actor } from "../logs/security-events";
import { findApp } from "./app-queries";
import { expireOldTokens, revealAppToken, rotateAppToken, tokenState } from "./app-tokens";
import { appsRemoved, deleteApp } from "./provision";
import { appClientSecret } from "./client-secret";
import { msUntilUtcMidnight } from "./rate-limits";

/**
 * HubSpot's token introspection. It names the token's creator; Sprocket's apps are created by deploys, so the account's
 * first super admin stands in.
 */
export async function introspectToken(p: Platform, tokenKey: string) {
  const principal = await p.apps.tokens.resolve(tokenKey);
  if (!principal) throw new DomainError("unauthenticated", "The access token is unknown, expired or revoked.");
  const creator = await p.store.db
    .selectFrom("memberships")
    .select("user_id")
    .where("account_id", "=", principal.accountId)
    .where("role", "=", "super_admin")
    .orderBy("user_id")
    .executeTakeFirst();
  return { userId: creator?.user_id ?? 0, hubId: principal.accountId, appId: principal.appId, scopes: [...principal.scopes] };
}

/** The account's daily API budget and what its private apps have used of it today. */
export async function dailyApiUsage(p: Platform, accountId: number) {
  const account = await p.store.db.selectFrom("accounts").select("api_limit_daily").where("id", "=", accountId).executeTakeFirstOrThrow();
  const now = p.clock.now();
  return {
    usageLimit: account.api_limit_daily,
    currentUsage: await p.limits.dailyUsage(accountId, account.api_limit_daily, now),
    collectedAt: now,
    resetsAt: now + msUntilUtcMidnight(now),
  };
}

/** How many private apps the account may hold. */
export async function appLimitOf(p: Platform, accountId: number): Promise<number> {
  return (await p.store.db.selectFrom("accounts").select("max_private_apps").where("id", "=", accountId).executeTakeFirstOrThrow())
    .max_private_apps;
}

/** The app's live token, shown to `actor` and recorded as seen. */
export async function revealToken(p: Platform, accountId: number, ref: string, actor: Actor): Promise<string> {
  const found = await findApp(p.store.db, accountId, ref);
  const token = await revealAppToken(p, found.id);
  if (!token) throw new DomainError("not_found", "This app has no live token. Rotate it to create one.");
  await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, appId: found.id, type: "TOKEN_VIEWED", actor });
  return token;
}

/** The key the app's backend checks hubspot.fetch signatures with, shown to `actor` and recorded as seen. */
export async function revealClientSecret(p: Platform, accountId: number, ref: string, actor: Actor): Promise<string> {
  const found = await findApp(p.store.db, accountId, ref);
  const clientSecret = await appClientSecret(p, found.id);
  await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, appId: found.id, type: "CLIENT_SECRET_VIEWED", actor });
  return clientSecret;
}

/** A new client secret; the old one stops signing and authenticating at once. Recorded, never with the value. */
export async function rotateClientSecret(p: Platform, accountId: number, ref: string, actor: Actor): Promise<string> {
  const found = await findApp(p.store.db, accountId, ref);
  const secret = randomUUID();
  await p.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("private_apps")
      .set({ client_secret_sealed: p.box.seal(secret) })
      .where("id", "=", found.id)
      .execute();
    await recordSecurityEvent(trx, p.clock.now(), { accountId, appId: found.id, type: "CLIENT_SECRET_ROTATED", actor });
  });
  return secret;
}

/** A fresh token; with "later" the old one lives on for a grace period. Recorded with the rotation. */
export async function rotateToken(p: Platform, accountId: number, ref: string, mode: "now" | "later", actor: Actor) {
  const found = await findApp(p.store.db, accountId, ref);
  if (found.auth_type === "oauth")
    throw new DomainError(
      "invalid",
      `${found.name} is an OAuth app: it has no static token. Accounts install it through /oauth/authorize and its backend gets tokens from /oauth/v1/token.`,
      { subCategory: "OAUTH_APP_HAS_NO_STATIC_TOKEN" },
    );
  const token = await p.store.db.transaction().execute(async (trx) => {
    const fresh = await rotateAppToken(trx, p, found.id, accountId, mode);
    await recordSecurityEvent(trx, p.clock.now(), {
      accountId,
      appId: found.id,
      type: mode === "now" ? "TOKEN_ROTATED" : "TOKEN_ROTATED_LATER",
      actor,
      details: mode === "later" ? { oldTokenValidForDays: 7 } : {},
    });
    return fresh;
  });
  // After the commit: a request between clearing and commit would refill the cache with the old answer.
  p.apps.tokens.invalidate();
  return { token, state: await tokenState(p, found.id) };
}

/** Ends a rotate-later grace period now; returns how many old tokens died. */
export async function expireOldToken(p: Platform, accountId: number, ref: string, actor: Actor): Promise<number> {
  const found = await findApp(p.store.db, accountId, ref);
  const expired = await expireOldTokens(p.store.db, p, found.id);
  p.apps.tokens.invalidate();
  if (expired > 0)
    await recordSecurityEvent(p.store.db, p.clock.now(), {
      accountId,
      appId: found.id,
      type: "OLD_TOKEN_EXPIRED",
      actor,
      details: { tokens: expired },
    });
  return expired;
}

/** Deletes the app (its tokens die, its logs stay), recorded as a security event. */
export async function removeApp(p: Platform, accountId: number, ref: string, actor: Actor): Promise<void> {
  const found = await findApp(p.store.db, accountId, ref);
  await p.store.db.transaction().execute(async (trx) => {
    await deleteApp(trx, found.id, p.clock.now());
    await recordSecurityEvent(trx, p.clock.now(), {
      accountId,
      appId: found.id,
      type: "APP_DELETED",
      actor,
      details: { uid: found.uid, name: found.name },
    });
  });
  await appsRemoved(p, [{ accountId, appId: found.id, previousBuildId: found.active_build_id }]);
}
