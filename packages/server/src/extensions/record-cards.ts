import type { Kysely } from "kysely";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import type { Database } from "../store/schema";
import type { DeployedCard, DeployedExtension } from "../apps/provision";
import type { AppComponentsTable } from "../apps/tables";
import { HOSTED_KINDS } from "./hosted-kinds";
import { appReaches } from "../apps/app-reach";
import { servedDevBundles } from "../dev-sessions/sessions";

export interface RecordCard {
  appId: number;
  appName: string;
  appUid: string;
  buildId: number;
  cardUid: string;
  title: string;
  location: string;
  objectTypes: string[];
  bundleUrl: string;
  /** Set when an open dev session serves this card: `bundleUrl` is then the session's bundle, not the build's. */
  devSessionId?: number;
}

export const bundleUrl = (appId: number, buildId: number, cardUid: string) =>
  `/api/v1/card-bundles/${appId}/${buildId}/${encodeURIComponent(cardUid)}.js`;

/** The components of the given kinds in the live apps that reach the account (its own, and OAuth apps installed there), apps by name. */
export const liveComponents = (db: Kysely<Database>, accountId: number, kinds: readonly AppComponentsTable["kind"][]) =>
  db
    .selectFrom("app_components")
    .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
    .select([
      "private_apps.id as app_id",
      "private_apps.name as app_name",
      "private_apps.uid as app_uid",
      "app_components.build_id",
      "app_components.config",
    ])
    .where(appReaches(accountId))
    .where("private_apps.deleted_at", "is", null)
    .where("app_components.kind", "in", kinds)
    .orderBy("private_apps.name");

/**
 * The live cards of the account's apps that belong on a record of this object type, each from an open dev session's
 * bundle when one serves it. Both sides may name a type any way HubSpot does (name, singular, type id; a custom object
 * as p_<name>, p<portal>_<name> or 2-<n>): they meet on the type id the account's registry gives them. A card on a
 * custom object this account lacks shows nowhere.
 */
export async function recordCards(p: Platform, accountId: number, objectType: string, now: number): Promise<RecordCard[]> {
  // The registry answers a cached type at once and throws at once for an unknown one: `await` inside `try` takes both.
  const typeId = async (name: string) => {
    try {
      return await p.crm.types.resolve(accountId, name);
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  };
  const wanted = (await typeId(objectType))?.id;
  if (wanted === undefined) return [];
  const [rows, dev] = await Promise.all([
    liveComponents(p.store.db, accountId, ["card"]).execute(),
    servedDevBundles(p.store.db, accountId, now),
  ]);
  const cards: RecordCard[] = [];
  for (const row of rows) {
    const card = JSON.parse(row.config) as DeployedCard;
    const types = await Promise.all(card.objectTypes.map(typeId));
    if (!types.some((t) => t?.id === wanted)) continue;
    const served = dev.get(`${row.app_id}:${card.uid}`);
    cards.push({
      appId: row.app_id,
      appName: row.app_name,
      appUid: row.app_uid,
      buildId: row.build_id,
      cardUid: card.uid,
      title: card.title,
      location: card.location,
      objectTypes: card.objectTypes.map((name, i) => types[i]?.name ?? name),
      bundleUrl: served?.bundleUrl ?? bundleUrl(row.app_id, row.build_id, card.uid),
      ...(served ? { devSessionId: served.sessionId } : {}),
    });
  }
  return cards;
}

/**
 * Where a live card's (or app page's) bundle is: its path in the build artifact and the account that owns the build
 * (the developer account, for an OAuth app installed into this one), if the app still serves it from that build here.
 */
export async function cardBundlePath(
  db: Kysely<Database>,
  accountId: number,
  appId: number,
  buildId: number,
  cardUid: string,
): Promise<{ path: string; ownerAccountId: number } | undefined> {
  const row = await db
    .selectFrom("app_components")
    .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
    .select(["app_components.config", "private_apps.account_id"])
    .where(appReaches(accountId))
    .where("app_components.app_id", "=", appId)
    .where("app_components.build_id", "=", buildId)
    .where("app_components.kind", "in", HOSTED_KINDS)
    .where("app_components.name", "=", cardUid)
    .executeTakeFirst();
  return row ? { path: (JSON.parse(row.config) as DeployedCard | DeployedExtension).bundle, ownerAccountId: row.account_id } : undefined;
}

/** Who views the cards, as HubSpot's `context.user` and `context.portal` describe them. */
export interface CardViewer {
  user: {
    id: number;
    email: string;
    emails: string[];
    firstName: string;
    lastName: string;
    roles: string[];
    teams: [];
    permissions: string[];
  };
  portal: { id: number; timezone: string };
}

export async function cardViewer(db: Kysely<Database>, accountId: number, userId: number): Promise<CardViewer> {
  const user = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.email", "users.first_name", "users.last_name", "memberships.role"])
    .where("users.id", "=", userId)
    .where("memberships.account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return {
    user: {
      id: user.id,
      email: user.email,
      emails: [user.email],
      firstName: user.first_name,
      lastName: user.last_name,
      roles: [user.role],
      teams: [],
      permissions: [],
    },
    // Accounts have no time zone setting yet: they keep the server's.
    portal: { id: accountId, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone },
  };
}
