import { randomInt } from "node:crypto";
import type { CrmEvent } from "../crm/crm-events";
import type { Subscription } from "./subscriptions";

/** One event as HubSpot sends it (an element of the JSON array a delivery posts). */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  /** Retries so far: 0 on the first delivery. Set when sent. */
  attemptNumber: number;
  /** Absent on association changes, which name both sides instead. */
  objectId?: number;
  objectTypeId?: string;
  changeFlag?: string;
  changeSource: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

const CHANGE_FLAGS: Partial<Record<CrmEvent["kind"], string>> = {
  creation: "CREATED",
  deletion: "DELETED",
  merge: "MERGED",
  restore: "RESTORED",
};

/** The event as HubSpot words it for this subscription: generic subscriptions name the object type in `objectTypeId`. */
export function webhookEvent(event: CrmEvent, s: Subscription, appId: number): WebhookEvent {
  const flag = CHANGE_FLAGS[event.kind];
  return {
    eventId: randomInt(1, 2 ** 47),
    subscriptionId: s.id,
    portalId: event.accountId,
    appId,
    occurredAt: event.occurredAt,
    subscriptionType: s.subscriptionType,
    attemptNumber: 0,
    ...(event.kind === "associationChange" ? {} : { objectId: event.objectId }),
    ...(s.generic ? { objectTypeId: event.objectTypeId } : {}),
    ...(flag ? { changeFlag: flag } : {}),
    changeSource: event.changeSource,
    ...(event.sourceId ? { sourceId: event.sourceId } : {}),
    // HubSpot sends an emptied property's value as "".
    ...(event.kind === "propertyChange" ? { propertyName: event.propertyName, propertyValue: event.propertyValue ?? "" } : {}),
    ...(event.kind === "merge"
      ? { primaryObjectId: event.primaryObjectId, mergedObjectIds: event.mergedObjectIds, newObjectId: event.primaryObjectId }
      : {}),
    ...(event.kind === "associationChange"
      ? {
          associationType: event.associationType,
          fromObjectId: event.objectId,
          toObjectId: event.toObjectId,
          associationRemoved: event.associationRemoved,
          isPrimaryAssociation: false,
        }
      : {}),
  };
}
