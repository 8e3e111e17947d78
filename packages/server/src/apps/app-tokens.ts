import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock, Platform } from "../platform";
import { sha256 } from "../crypto/opaque-token";
import type { MaybePromise } from "../util/maybe-async";
import type { SecretBox } from "../crypto/secret-box";
import { TokenCache } from "../util/token-cache";

/** HubSpot's private-app token shape; secret scanners already know it. */
export const APP_TOKEN_PATTERN = /^pat-[a-z]{2}\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ROTATE_LATER_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/** HubSpot's OAuth access tokens are opaque; ours are "C" and 64 base64url characters (see oauth/oauth-tokens.ts). */
export const OAUTH_ACCESS_TOKEN_PATTERN = /^C[A-Za-z0-9_-]{64}$/;

export interface AppPrincipal {
  appId: number;
  /** The account the call acts on: the app's own for a private-app token, the installed account for an OAuth token. */
  accountId: number;
  tokenId: number;
  /** The app's scopes, or for an OAuth token those its install was granted. */
  scopes: ReadonlySet<string>;
  /** Set for OAuth access tokens: the install they belong to. */
  installId?: number;
}

/** A new token for the app; the caller invalidates `p.apps.tokens` once its transaction commits. */
export async function mintAppToken(db: Kysely<Database>, p: Platform, appId: number, accountId: number): Promise<string> {
  const token = `pat-na1-${randomUUID()}`;
  await db
    .insertInto("app_tokens")
    .values({
      app_id: appId,
      account_id: accountId,
      token_hash: sha256(token),
      token_sealed: p.box.seal(token),
      created_at: p.clock.now(),
      expires_at: null,
      revoked_at: null,
      last_used_at: null,
      install_id: null,
    })
    .execute();
  return token;
}

interface CachedToken {
  principal: AppPrincipal | undefined;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Private-app tokens and OAuth access tokens as the auth gate sees them: resolved through this node's cache. An OAuth
 * token acts on its install's account with the scopes granted there, and dies with the install.
 */
export class AppTokens {
  private readonly tokens: TokenCache<CachedToken>;
  private readonly invalidated: Array<() => void> = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {
    this.tokens = new TokenCache(clock, (token) => this.load(token));
  }

  /**
   * Forgets every cached answer. Call it once a change to tokens or apps has committed: cleared any earlier, a request
   * between the clearing and the commit would cache the old answer again.
   */
  invalidate(): void {
    this.tokens.clear();
    for (const listener of this.invalidated) listener();
  }

  /** Runs `listener` at every `invalidate`: other per-node caches of apps (functions/function-configs.ts) go with this one. */
  onInvalidate(listener: () => void): void {
    this.invalidated.push(listener);
  }

  /**
   * The token's app, at once from the cache, else after one indexed read; `now` for a caller that has read the clock.
   * `presented` is the Authorization header the token came in, when there is one: the cache is keyed by it. The token
   * is a slice of that header, a string V8 compares with the cached key in a runtime call on every lookup; the header
   * is a plain string, compared inline (issue #24: the lookup was the largest part of the gate's own code).
   */
  resolve(token: string, now = this.clock.now(), presented = token): MaybePromise<AppPrincipal | undefined> {
    const entry = this.tokens.fresh(presented, now, token);
    if (entry) return this.principalOf(entry, now);
    if (!APP_TOKEN_PATTERN.test(token) && !OAUTH_ACCESS_TOKEN_PATTERN.test(token)) return undefined;
    return this.tokens.load(presented, token).then((loaded) => this.principalOf(loaded, now));
  }

  private async load(token: string): Promise<CachedToken> {
    const row = await this.db
      .selectFrom("app_tokens")
      .innerJoin("private_apps", "private_apps.id", "app_tokens.app_id")
      .leftJoin("app_installs", "app_installs.id", "app_tokens.install_id")
      .select([
        "app_tokens.id",
        "app_tokens.app_id",
        "app_tokens.account_id",
        "app_tokens.expires_at",
        "app_tokens.revoked_at",
        "app_tokens.last_used_at",
        "app_tokens.install_id",
        "private_apps.scopes",
        "private_apps.deleted_at",
      ])
      .select(["app_installs.scopes as granted_scopes", "app_installs.uninstalled_at"])
      .where("app_tokens.token_hash", "=", sha256(token))
      // A refresh token only mints access tokens at /oauth/v1/token; it never authenticates a call.
      .where("app_tokens.kind", "!=", "refresh")
      .executeTakeFirst();
    const alive = row && row.revoked_at === null && row.deleted_at === null && row.uninstalled_at === null;
    const scopes = row?.install_id != null ? row.granted_scopes : row?.scopes;
    return {
      principal: alive
        ? {
            appId: row.app_id,
            accountId: row.account_id,
            tokenId: row.id,
            scopes: new Set(JSON.parse(scopes!) as string[]),
            ...(row.install_id != null ? { installId: row.install_id } : {}),
          }
        : undefined,
      expiresAt: row?.expires_at ?? null,
      lastUsedAt: row?.last_used_at ?? null,
    };
  }

  private principalOf(entry: CachedToken, now: number): MaybePromise<AppPrincipal | undefined> {
    const { principal } = entry;
    if (!principal || (entry.expiresAt !== null && entry.expiresAt <= now)) return undefined;
    if (entry.lastUsedAt !== null && now - entry.lastUsedAt <= LAST_USED_RESOLUTION_MS) return principal;
    entry.lastUsedAt = now;
    return this.db
      .updateTable("app_tokens")
      .set({ last_used_at: now })
      .where("id", "=", principal.tokenId)
      .execute()
      .then(() => principal);
  }
}

export interface TokenState {
  current: { id: number; createdAt: number; lastUsedAt: number | null; masked: string };
  /** The previous token during a "rotate later" grace period. */
  previous?: { id: number; expiresAt: number; lastUsedAt: number | null };
}

const liveTokens = (db: Kysely<Database>, appId: number, now: number) =>
  db
    .selectFrom("app_tokens")
    .selectAll()
    .where("app_id", "=", appId)
    .where("kind", "=", "static")
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .orderBy("id", "desc")
    .execute();

export async function tokenState(p: Platform, appId: number): Promise<TokenState | undefined> {
  const [current, previous] = await liveTokens(p.store.db, appId, p.clock.now());
  if (!current) return undefined;
  const plain = p.box.open(current.token_sealed);
  return {
    current: {
      id: current.id,
      createdAt: current.created_at,
      lastUsedAt: current.last_used_at,
      masked: `${plain.slice(0, 12)}…${plain.slice(-4)}`,
    },
    ...(previous?.expires_at ? { previous: { id: previous.id, expiresAt: previous.expires_at, lastUsedAt: previous.last_used_at } } : {}),
  };
}

export function revealAppToken(p: Platform, appId: number): Promise<string | undefined> {
  return liveAppToken(p.store.db, p.box, appId, p.clock.now());
}

/** The app's current static token in plain text, or undefined when it has none live. */
export async function liveAppToken(db: Kysely<Database>, box: SecretBox, appId: number, now: number): Promise<string | undefined> {
  const [current] = await liveTokens(db, appId, now);
  return current ? box.open(current.token_sealed) : undefined;
}

/**
 * Rotate now: the old token dies at once. Rotate later: it stays valid for seven days. At most one token is ever in
 * its grace period, the one tokenState shows as `previous`: rotating later again revokes the token an earlier
 * rotate-later left pending, so no live token is hidden from the owner.
 */
export async function rotateAppToken(
  db: Kysely<Database>,
  p: Platform,
  appId: number,
  accountId: number,
  mode: "now" | "later",
): Promise<string> {
  const now = p.clock.now();
  const old = await liveTokens(db, appId, now);
  for (const t of old) {
    if (mode === "now" || t.expires_at !== null)
      await db.updateTable("app_tokens").set({ revoked_at: now }).where("id", "=", t.id).execute();
    else
      await db
        .updateTable("app_tokens")
        .set({ expires_at: now + ROTATE_LATER_GRACE_MS })
        .where("id", "=", t.id)
        .execute();
  }
  return mintAppToken(db, p, appId, accountId);
}

/** "Expire now" for the tokens still in their rotate-later grace period. Returns how many died. */
export async function expireOldTokens(db: Kysely<Database>, p: Platform, appId: number): Promise<number> {
  const now = p.clock.now();
  const res = await db
    .updateTable("app_tokens")
    .set({ revoked_at: now })
    .where("app_id", "=", appId)
    .where("kind", "=", "static")
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
