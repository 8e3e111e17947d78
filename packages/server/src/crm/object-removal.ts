import type { Platform } from "../platform";
import type { ObjectType } from "./object-types";
import { archiveObjects, objectExists, objectNotFound, purgeObject, resolveIds } from "./object-store";
import { inTransaction } from "./object-writes";
import { REMOVAL_SOURCE, deletions, eventBase } from "./crm-events";

/** Archives the record `rawId` names; a record already gone is no error (HubSpot answers 204 for it). */
export async function archiveObject(p: Platform, accountId: number, t: ObjectType, rawId: string): Promise<void> {
  const defs = await p.crm.properties.live(accountId, t.id);
  const [id] = await resolveIds(p.store.db, accountId, t, defs, [rawId], undefined);
  if (id === undefined) return;
  const now = p.clock.now();
  const archived = await inTransaction(p, (trx) => archiveObjects(trx, accountId, t, [id], now));
  p.crm.events.emit(deletions(eventBase(accountId, t.id, now, REMOVAL_SOURCE), archived));
}

/** GDPR delete: the record `rawId` names (live or archived) goes for good, with its history and associations. */
export async function gdprDelete(
  p: Platform,
  accountId: number,
  t: ObjectType,
  rawId: string,
  idProperty: string | undefined,
): Promise<void> {
  const defs = await p.crm.properties.live(accountId, t.id);
  const id = await inTransaction(p, async (trx) => {
    const [id] = await resolveIds(trx, accountId, t, defs, [rawId], idProperty);
    if (id === undefined || !(await objectExists(trx, accountId, t, id))) throw objectNotFound(t, rawId);
    await purgeObject(trx, accountId, t, id);
    return id;
  });
  p.crm.events.emit(deletions(eventBase(accountId, t.id, p.clock.now(), REMOVAL_SOURCE), [id]));
}
