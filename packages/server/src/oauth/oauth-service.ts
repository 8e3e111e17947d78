import { randomUUID, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { Platform } from "../platform";
import type { Database } from "../store/schema";
import { randomToken, sha256 } from "../crypto/opaque-token";
import { roleIn } from "../accounts/account-service";
import { recordSecurityEvent, type Actor } from "../logs/security-events";
import { appClientSecret } from "../apps/client-secret";
import { oauthError } from "./oauth-errors";
import { DomainError } from "../errors/domain-error";
import { provisionInstalledAppObjects } from "../crm/app-objects";
import type { AppInstall, ConnectedApp } from "@sprocket/contract";

/** HubSpot's lifetimes: access tokens 30 minutes; codes are for one exchange, soon after consent. */
export const ACCESS_TOKEN_SECONDS = 1800;
export const CODE_TTL_MS = 10 * 60 * 1000;

export interface OAuthApp {
  id: number;
  name: string;
  description: string;
  clientId: string;
  redirectUrls: string[];
  requiredScopes: string[];
  optionalScopes: string[];
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  optionalScope?: string;
}

/** The app and the scopes an install would grant, once the install URL checks out. */
export interface CheckedAuthorize {
  app: OAuthApp;
  redirectUri: string;
  scopes: string[];
}

const jsonList = (text: string | null) => (text ? (JSON.parse(text) as string[]) : []);
// HubSpot's install URLs separate scopes with spaces (%20 or +); some tools use commas.
const scopeList = (text: string | undefined) => (text ?? "").split(/[\s,]+/).filter(Boolean);

export async function findOAuthApp(db: Kysely<Database>, clientId: string): Promise<OAuthApp | undefined> {
  const row = await db
    .selectFrom("private_apps")
    .select(["id", "name", "description", "client_id", "redirect_urls", "scopes", "optional_scopes"])
    .where("client_id", "=", clientId)
    .where("auth_type", "=", "oauth")
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    clientId: row.client_id!,
    redirectUrls: jsonList(row.redirect_urls),
    requiredScopes: jsonList(row.scopes),
    optionalScopes: jsonList(row.optional_scopes),
  };
}

/**
 * The install URL's checks, before anything is shown: a known client, a redirect URI the app lists (exactly), every
 * required scope asked for, and no scope the app did not declare. Failures are not sent to the redirect URI (it may
 * be the very thing that is wrong); the user sees them.
 */
export async function checkAuthorize(p: Platform, req: AuthorizeRequest): Promise<CheckedAuthorize> {
  const app = req.clientId ? await findOAuthApp(p.store.db, req.clientId) : undefined;
  if (!app) throw oauthError("BAD_CLIENT_ID", `No OAuth app has the client id ${JSON.stringify(req.clientId)}.`);
  if (!app.redirectUrls.includes(req.redirectUri))
    throw oauthError(
      "BAD_REDIRECT_URI",
      `The redirect_uri ${JSON.stringify(req.redirectUri)} is not one of the app's redirect URLs (auth.redirectUrls): ${app.redirectUrls.join(", ")}.`,
    );
  const scope = scopeList(req.scope);
  const optional = scopeList(req.optionalScope);
  const missing = app.requiredScopes.filter((s) => !scope.includes(s));
  const declared = new Set([...app.requiredScopes, ...app.optionalScopes]);
  const undeclared = [...scope, ...optional].filter((s) => !declared.has(s));
  if (missing.length || undeclared.length)
    throw oauthError(
      "BAD_SCOPES",
      [
        missing.length ? `The install URL's scope must list every required scope of the app; missing: ${missing.join(", ")}.` : "",
        undeclared.length
          ? `The app does not declare these scopes in auth.requiredScopes or auth.optionalScopes: ${undeclared.join(", ")}.`
          : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
  return { app, redirectUri: req.redirectUri, scopes: [...new Set([...scope, ...optional])] };
}

/**
 * The signed-in user grants the app into one of their accounts: only a super admin may (as in HubSpot). The install is
 * made (or its scopes replaced on a re-install), the app's app objects are made in the account, and a single-use code
 * is returned for the redirect.
 */
export async function grantInstall(
  p: Platform,
  checked: CheckedAuthorize,
  accountId: number,
  actor: Actor & { userId: number },
): Promise<string> {
  const role = await roleIn(p, accountId, actor.userId);
  if (role !== "super_admin") {
    // A member trying to grant an app access goes on the account's record; a stranger naming someone else's
    // account does not get to write into its log.
    if (role)
      await recordSecurityEvent(p.store.db, p.clock.now(), {
        accountId,
        appId: checked.app.id,
        type: "APP_INSTALL_REFUSED",
        actor,
        details: { app: checked.app.name, role, scopes: checked.scopes },
      });
    throw oauthError("NOT_SUPER_ADMIN", `Only a super admin of account ${accountId} can install apps into it.`, "forbidden");
  }
  const now = p.clock.now();
  const code = randomToken("", 32);
  const appObjects = await p.store.db.transaction().execute(async (trx) => {
    const live = await trx
      .selectFrom("app_installs")
      .select("id")
      .where("app_id", "=", checked.app.id)
      .where("account_id", "=", accountId)
      .where("uninstalled_at", "is", null)
      .executeTakeFirst();
    const scopes = JSON.stringify(checked.scopes);
    let installId: number;
    if (live) {
      installId = live.id;
      await trx.updateTable("app_installs").set({ scopes }).where("id", "=", installId).execute();
    } else {
      const values = {
        app_id: checked.app.id,
        account_id: accountId,
        scopes,
        installed_at: now,
        installed_by: actor.userId,
        uninstalled_at: null,
      };
      installId = (await trx.insertInto("app_installs").values(values).returning("id").executeTakeFirstOrThrow()).id;
    }
    await trx
      .insertInto("oauth_codes")
      .values({
        code_hash: sha256(code),
        app_id: checked.app.id,
        install_id: installId,
        redirect_uri: checked.redirectUri,
        expires_at: now + CODE_TTL_MS,
        used_at: null,
        refresh_token_id: null,
      })
      .execute();
    await recordSecurityEvent(trx, now, {
      accountId,
      appId: checked.app.id,
      type: "APP_INSTALLED",
      actor,
      details: { app: checked.app.name, installId, scopes: checked.scopes, reinstall: Boolean(live) },
    });
    return provisionInstalledAppObjects(trx, p, checked.app.id, accountId);
  });
  // A re-install may have narrowed the scopes that cached tokens carry; the app's objects are new to the account.
  p.apps.tokens.invalidate();
  p.crm.types.invalidate(accountId);
  for (const t of appObjects.values()) p.crm.properties.invalidate(accountId, t.id);
  await announceInstallChange(p, checked.app.id, accountId, "installed");
  return code;
}

/**
 * To every node, as a deploy into the installed account: the app's build went live there (its cards appear on open
 * record pages, its webhooks start) or went away (its cards, runners, webhooks and cached tokens go at once). The
 * change stands whether or not the notice gets out: requests read installs from the store.
 */
async function announceInstallChange(p: Platform, appId: number, accountId: number, change: "installed" | "uninstalled"): Promise<void> {
  const app = await p.store.db.selectFrom("private_apps").select("active_build_id").where("id", "=", appId).executeTakeFirst();
  const live = app?.active_build_id ?? null;
  await p.cluster
    .announceDeploy({
      accountId,
      appId,
      buildId: change === "installed" ? live : null,
      previousBuildId: change === "installed" ? null : live,
    })
    .catch((err: unknown) => p.log.error({ err, appId, accountId }, `could not announce that an app was ${change}`));
}

export interface TokenRequest {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  redirect_uri?: string;
  code?: string;
  refresh_token?: string;
}

export interface TokenResponse {
  token_type: "bearer";
  refresh_token: string;
  access_token: string;
  expires_in: number;
}

/** POST /oauth/v1/token: a code or a refresh token for a fresh 30-minute access token. `address`: the caller's. */
export async function issueTokens(p: Platform, req: TokenRequest, address: string | null): Promise<TokenResponse> {
  if (req.grant_type !== "authorization_code" && req.grant_type !== "refresh_token")
    throw oauthError(
      "BAD_GRANT_TYPE",
      `grant_type must be "authorization_code" or "refresh_token", not ${JSON.stringify(req.grant_type ?? null)}.`,
    );
  const app = await authenticateClient(p, req);
  return req.grant_type === "authorization_code" ? exchangeCode(p, app, req, address) : refreshAccess(p, app, req);
}

async function authenticateClient(p: Platform, req: TokenRequest): Promise<OAuthApp> {
  const app = req.client_id ? await findOAuthApp(p.store.db, req.client_id) : undefined;
  if (!app) throw oauthError("BAD_CLIENT_ID", "missing or unknown client_id");
  const secret = Buffer.from(await appClientSecret(p, app.id));
  const given = Buffer.from(req.client_secret ?? "");
  if (given.length !== secret.length || !timingSafeEqual(given, secret))
    throw oauthError("BAD_CLIENT_SECRET", "missing or wrong client_secret for this client_id");
  return app;
}

async function exchangeCode(p: Platform, app: OAuthApp, req: TokenRequest, address: string | null): Promise<TokenResponse> {
  const now = p.clock.now();
  const row = req.code
    ? await p.store.db
        .selectFrom("oauth_codes")
        .selectAll()
        .where("code_hash", "=", sha256(req.code))
        .where("app_id", "=", app.id)
        .executeTakeFirst()
    : undefined;
  if (row?.used_at != null && row.refresh_token_id !== null) {
    // A code presented twice may have been stolen: what its first exchange issued dies too (OAuth 2.1, 4.1.3), and
    // the installed account's super admins see it happened.
    const refreshTokenId = row.refresh_token_id;
    await p.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("app_tokens")
        .set({ revoked_at: now })
        .where("id", "=", refreshTokenId)
        .where("revoked_at", "is", null)
        .execute();
      const install = await trx.selectFrom("app_installs").select("account_id").where("id", "=", row.install_id).executeTakeFirstOrThrow();
      await recordSecurityEvent(trx, now, {
        accountId: install.account_id,
        appId: app.id,
        type: "OAUTH_CODE_REUSED",
        actor: { userId: null, label: `OAuth client ${app.clientId}`, address },
        details: { app: app.name, installId: row.install_id, revokedRefreshTokenId: refreshTokenId },
      });
    });
  }
  if (!row || row.used_at !== null) throw oauthError("BAD_AUTH_CODE", "missing, unknown or already used code");
  // HubSpot tells an expired code apart (its SDK users report EXPIRED_AUTH_CODE): the app should start the install again.
  if (row.expires_at <= now) throw oauthError("EXPIRED_AUTH_CODE", "the code expired: codes are good for 10 minutes after consent");
  if (row.redirect_uri !== req.redirect_uri)
    throw oauthError("MISMATCH_REDIRECT_URI_AUTH_CODE", "redirect_uri does not match the redirect_uri the code was issued for");
  return p.store.db.transaction().execute(async (trx) => {
    // Single use, even when two exchanges race: only one update finds the code unused.
    const used = await trx
      .updateTable("oauth_codes")
      .set({ used_at: now })
      .where("code_hash", "=", row.code_hash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw oauthError("BAD_AUTH_CODE", "missing, unknown, expired or already used code");
    const install = await liveInstall(trx, row.install_id);
    if (!install) throw oauthError("BAD_AUTH_CODE", "the app was uninstalled since this code was issued");
    const refresh = `na1-${randomUUID()}`;
    const refreshId = await insertToken(trx, p, {
      appId: app.id,
      installId: install.id,
      accountId: install.account_id,
      token: refresh,
      kind: "refresh",
      expiresAt: null,
    });
    await trx.updateTable("oauth_codes").set({ refresh_token_id: refreshId }).where("code_hash", "=", row.code_hash).execute();
    return {
      token_type: "bearer",
      refresh_token: refresh,
      access_token: await mintAccessToken(trx, p, app.id, install),
      expires_in: ACCESS_TOKEN_SECONDS,
    };
  });
}

async function refreshAccess(p: Platform, app: OAuthApp, req: TokenRequest): Promise<TokenResponse> {
  const row = req.refresh_token ? await liveRefreshToken(p.store.db, req.refresh_token) : undefined;
  if (!row || row.app_id !== app.id) throw oauthError("BAD_REFRESH_TOKEN", "missing, unknown or revoked refresh token");
  const install = (await liveInstall(p.store.db, row.install_id!))!;
  return {
    token_type: "bearer",
    refresh_token: req.refresh_token!,
    access_token: await mintAccessToken(p.store.db, p, app.id, install),
    expires_in: ACCESS_TOKEN_SECONDS,
  };
}

/** A function run may take the function timeout (15 s at most): a token left with less than this is not handed out. */
const FUNCTION_TOKEN_MARGIN_MS = 5 * 60 * 1000;

/**
 * An access token of a live install for the app's functions in the installed account (their
 * `PRIVATE_APP_ACCESS_TOKEN`): the install's newest access token while it has five minutes left, else a fresh one, so
 * that runs do not mint a token each. Undefined once the install is gone.
 */
export async function installAccessToken(p: Platform, appId: number, installId: number): Promise<string | undefined> {
  const db = p.store.db;
  const install = await liveInstall(db, installId);
  if (!install || install.app_id !== appId) return undefined;
  const now = p.clock.now();
  const current = await db
    .selectFrom("app_tokens")
    .select("token_sealed")
    .where("install_id", "=", installId)
    .where("kind", "=", "access")
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now + FUNCTION_TOKEN_MARGIN_MS)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return current ? p.box.open(current.token_sealed) : mintAccessToken(db, p, appId, install);
}

const liveInstall = (db: Kysely<Database>, installId: number) =>
  db.selectFrom("app_installs").selectAll().where("id", "=", installId).where("uninstalled_at", "is", null).executeTakeFirst();

async function mintAccessToken(
  db: Kysely<Database>,
  p: Platform,
  appId: number,
  install: { id: number; account_id: number },
): Promise<string> {
  // "C" and 64 base64url characters: opaque like HubSpot's, and told apart from pat- tokens without a lookup.
  const token = randomToken("C", 48);
  await insertToken(db, p, {
    appId,
    installId: install.id,
    accountId: install.account_id,
    token,
    kind: "access",
    expiresAt: p.clock.now() + ACCESS_TOKEN_SECONDS * 1000,
  });
  return token;
}

async function insertToken(
  db: Kysely<Database>,
  p: Platform,
  t: { appId: number; installId: number; accountId: number; token: string; kind: "access" | "refresh"; expiresAt: number | null },
): Promise<number> {
  const row = await db
    .insertInto("app_tokens")
    .values({
      app_id: t.appId,
      account_id: t.accountId,
      install_id: t.installId,
      kind: t.kind,
      token_hash: sha256(t.token),
      token_sealed: p.box.seal(t.token),
      created_at: p.clock.now(),
      expires_at: t.expiresAt,
      revoked_at: null,
      last_used_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A token of a live install of a live app, with what introspection tells about it. */
async function liveInstallToken(db: Kysely<Database>, token: string, kind: "access" | "refresh", now: number) {
  const row = await db
    .selectFrom("app_tokens")
    .innerJoin("app_installs", "app_installs.id", "app_tokens.install_id")
    .innerJoin("private_apps", "private_apps.id", "app_tokens.app_id")
    .innerJoin("accounts", "accounts.id", "app_installs.account_id")
    .innerJoin("users", "users.id", "app_installs.installed_by")
    .select([
      "app_tokens.id",
      "app_tokens.app_id",
      "app_tokens.install_id",
      "app_tokens.expires_at",
      "app_installs.scopes",
      "app_installs.account_id",
      "app_installs.installed_by",
      "accounts.name as account_name",
      "users.email",
      "private_apps.client_id",
      "private_apps.distribution",
    ])
    .where("app_tokens.token_hash", "=", sha256(token))
    .where("app_tokens.kind", "=", kind)
    .where("app_tokens.revoked_at", "is", null)
    .where("app_installs.uninstalled_at", "is", null)
    .where("private_apps.deleted_at", "is", null)
    .executeTakeFirst();
  return row && (row.expires_at === null || row.expires_at > now) ? row : undefined;
}

const liveRefreshToken = (db: Kysely<Database>, token: string) => liveInstallToken(db, token, "refresh", 0);

/** GET /oauth/v1/access-tokens/{token}, in HubSpot's shape. */
export async function accessTokenInfo(p: Platform, token: string) {
  const now = p.clock.now();
  const row = await liveInstallToken(p.store.db, token, "access", now);
  if (!row) throw new DomainError("not_found", "The access token is unknown, expired or revoked.");
  return {
    token,
    user: row.email,
    hub_domain: row.account_name,
    scopes: JSON.parse(row.scopes) as string[],
    hub_id: row.account_id,
    app_id: row.app_id,
    expires_in: Math.max(0, Math.floor((row.expires_at! - now) / 1000)),
    user_id: row.installed_by,
    token_type: "access",
    is_private_distribution: row.distribution !== "marketplace",
  };
}

/** GET /oauth/v1/refresh-tokens/{token}, in HubSpot's shape. */
export async function refreshTokenInfo(p: Platform, token: string) {
  const row = await liveRefreshToken(p.store.db, token);
  if (!row) throw new DomainError("not_found", "The refresh token is unknown or revoked.");
  return {
    token,
    user: row.email,
    hub_domain: row.account_name,
    scopes: JSON.parse(row.scopes) as string[],
    hub_id: row.account_id,
    client_id: row.client_id!,
    user_id: row.installed_by,
    token_type: "refresh",
  };
}

/** DELETE /oauth/v1/refresh-tokens/{token}: the refresh token dies; access tokens already minted live out their 30 minutes. */
export async function revokeRefreshToken(p: Platform, token: string): Promise<void> {
  const row = await liveRefreshToken(p.store.db, token);
  if (!row) throw new DomainError("not_found", "The refresh token is unknown or revoked.");
  await p.store.db.updateTable("app_tokens").set({ revoked_at: p.clock.now() }).where("id", "=", row.id).execute();
}

/** The OAuth apps installed into an account. */
export async function listInstalls(p: Platform, accountId: number): Promise<ConnectedApp[]> {
  const rows = await p.store.db
    .selectFrom("app_installs")
    .innerJoin("private_apps", "private_apps.id", "app_installs.app_id")
    .innerJoin("users", "users.id", "app_installs.installed_by")
    .select([
      "app_installs.id",
      "app_installs.app_id",
      "app_installs.scopes",
      "app_installs.installed_at",
      "users.email",
      "private_apps.name",
      "private_apps.account_id as developer_account_id",
    ])
    .where("app_installs.account_id", "=", accountId)
    .where("app_installs.uninstalled_at", "is", null)
    .where("private_apps.deleted_at", "is", null)
    .orderBy("app_installs.id")
    .execute();
  return rows.map((r) => ({
    installId: r.id,
    appId: r.app_id,
    appName: r.name,
    developerAccountId: r.developer_account_id,
    scopes: JSON.parse(r.scopes) as string[],
    installedAt: new Date(r.installed_at).toISOString(),
    installedBy: r.email,
  }));
}

/** The live installs of one of the developer account's OAuth apps: where it runs, since when, with which scopes. */
export async function installsOfApp(p: Platform, appId: number): Promise<AppInstall[]> {
  const rows = await p.store.db
    .selectFrom("app_installs")
    .innerJoin("accounts", "accounts.id", "app_installs.account_id")
    .select(["app_installs.id", "app_installs.account_id", "accounts.name", "app_installs.scopes", "app_installs.installed_at"])
    .where("app_installs.app_id", "=", appId)
    .where("app_installs.uninstalled_at", "is", null)
    .orderBy("app_installs.id")
    .execute();
  return rows.map((r) => ({
    installId: r.id,
    accountId: r.account_id,
    accountName: r.name,
    scopes: JSON.parse(r.scopes) as string[],
    installedAt: new Date(r.installed_at).toISOString(),
  }));
}

/** Uninstalls at once: every token of the install dies on this node now, on others within the token cache's second. */
export async function uninstall(p: Platform, accountId: number, installId: number, actor: Actor): Promise<void> {
  const now = p.clock.now();
  const appId = await p.store.db.transaction().execute(async (trx) => {
    const install = await trx
      .selectFrom("app_installs")
      .select(["id", "app_id"])
      .where("id", "=", installId)
      .where("account_id", "=", accountId)
      .where("uninstalled_at", "is", null)
      .executeTakeFirst();
    if (!install) throw new DomainError("not_found", `No app install ${installId} in account ${accountId}.`);
    await trx.updateTable("app_installs").set({ uninstalled_at: now }).where("id", "=", installId).execute();
    await trx
      .updateTable("app_tokens")
      .set({ revoked_at: now })
      .where("install_id", "=", installId)
      .where("revoked_at", "is", null)
      .execute();
    await recordSecurityEvent(trx, now, { accountId, appId: install.app_id, type: "APP_UNINSTALLED", actor, details: { installId } });
    return install.app_id;
  });
  p.apps.tokens.invalidate();
  await announceInstallChange(p, appId, accountId, "uninstalled");
}
