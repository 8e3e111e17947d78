import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { CrmEvent } from "../crm/crm-events";
import { findObjectType } from "../crm/object-types";
import { appReaches } from "../apps/app-reach";

/** One active subscription of a deployed webhooks component. */
export interface Subscription {
  /** Stable for the component's subscription: HubSpot's subscriptionId in the payload. */
  id: number;
  /** `object.creation` (generic: any object type, the payload names `objectTypeId`) or `contact.creation` (legacy). */
  subscriptionType: string;
  /** The event kind it listens to: creation, deletion, propertyChange, ... */
  kind: string;
  objectTypeId: string;
  propertyName: string | undefined;
  generic: boolean;
}

/** A deployed app's webhooks component: where its events go and what it listens to. */
export interface AppWebhooks {
  appId: number;
  componentUid: string;
  targetUrl: string;
  maxConcurrentRequests: number;
  subscriptions: Subscription[];
}

interface StoredSubscription {
  subscriptionType: string;
  objectType?: string;
  /** webhooks.json (2023.x–2025.1) spells it objectName. */
  objectName?: string;
  propertyName?: string;
  active?: boolean;
}
interface StoredComponent {
  uid: string;
  config: {
    settings: { targetUrl: string; maxConcurrentRequests: number };
    subscriptions: { crmObjects?: StoredSubscription[]; legacyCrmObjects?: StoredSubscription[] };
  };
}

const subscriptionId = (appId: number, uid: string, list: string, index: number) =>
  createHash("sha256").update(`${appId}/${uid}/${list}/${index}`).digest().readUInt32BE(0) >>> 1;

/** A stored subscription as matched: generic ones name their object type, legacy ones carry it in their type (`contact.creation`). */
function toSubscription(appId: number, uid: string, list: string, index: number, s: StoredSubscription): Subscription | undefined {
  if (s.active === false) return undefined;
  const [prefix, kind] = s.subscriptionType.split(".", 2) as [string, string | undefined];
  if (!kind) return undefined;
  const generic = prefix === "object";
  const type = findObjectType(generic ? (s.objectType ?? s.objectName ?? "") : prefix);
  if (!type) return undefined;
  return {
    id: subscriptionId(appId, uid, list, index),
    subscriptionType: s.subscriptionType,
    kind,
    objectTypeId: type.id,
    propertyName: s.propertyName,
    generic,
  };
}

export function parseComponent(appId: number, stored: StoredComponent): AppWebhooks {
  const { settings, subscriptions } = stored.config;
  const lists = [
    ["crmObjects", subscriptions.crmObjects ?? []],
    ["legacyCrmObjects", subscriptions.legacyCrmObjects ?? []],
  ] as const;
  return {
    appId,
    componentUid: stored.uid,
    targetUrl: settings.targetUrl,
    maxConcurrentRequests: settings.maxConcurrentRequests,
    subscriptions: lists.flatMap(([list, subs]) => subs.flatMap((s, i) => toSubscription(appId, stored.uid, list, i, s) ?? [])),
  };
}

/** Whether a subscription wants this event: same kind and object type, and for property changes the same property. */
export function matches(s: Subscription, event: CrmEvent): boolean {
  if (s.kind !== event.kind || s.objectTypeId !== event.objectTypeId) return false;
  return event.kind !== "propertyChange" || s.propertyName === undefined || s.propertyName === event.propertyName;
}

/**
 * The webhooks components of the apps live in each account (its own, and OAuth apps installed there), read once per
 * account and kept until a deploy, install or uninstall in that account changes them (the root forgets an account on
 * every deploy notice, from whichever node; installs are announced as deploys into the installed account).
 */
export class WebhookSubscriptions {
  private readonly byAccount = new Map<number, Promise<AppWebhooks[]>>();

  constructor(private readonly db: Kysely<Database>) {}

  of(accountId: number): Promise<AppWebhooks[]> {
    let found = this.byAccount.get(accountId);
    if (!found) {
      found = this.load(accountId);
      this.byAccount.set(accountId, found);
      found.catch(() => this.byAccount.delete(accountId));
    }
    return found;
  }

  invalidate(accountId: number): void {
    this.byAccount.delete(accountId);
  }

  private async load(accountId: number): Promise<AppWebhooks[]> {
    const rows = await this.db
      .selectFrom("app_components")
      .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
      .select(["app_components.app_id", "app_components.config"])
      .where(appReaches(accountId))
      .where("private_apps.deleted_at", "is", null)
      .where("app_components.kind", "=", "webhooks")
      .execute();
    return rows.map((r) => parseComponent(Number(r.app_id), JSON.parse(r.config) as StoredComponent));
  }
}
