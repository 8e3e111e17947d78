import type { Platform } from "../platform";
import { invalid } from "../errors/domain-error";
import type { ObjectType } from "./object-types";
import {
  archiveObjects,
  getObjects,
  objectNotFound,
  parseObjectId,
  updateObjects,
  type StoredObject,
  type WriteSource,
} from "./object-store";
import { associate, associationsFrom, type AssociationSpec } from "./associations";
import { inTransaction } from "./object-writes";
import { eventBase, propertyChanges } from "./crm-events";

/** HubSpot's PublicMergeInput, ids as given. */
export interface MergeInput {
  primaryObjectId: string;
  objectIdToMerge: string;
}

/** A merge names records by id only (HubSpot's PublicMergeInput has no idProperty); anything else is a 400, not a miss. */
function mergeId(raw: string, field: keyof MergeInput): number {
  const id = parseObjectId(raw);
  if (id === undefined)
    throw invalid(`${field} ${JSON.stringify(raw)} is not a record id: use the record's numeric id.`, [
      { message: "Not a record id", in: field, code: "INVALID_OBJECT_ID" },
    ]);
  return id;
}

/**
 * Merges `objectIdToMerge` into `primaryObjectId`, atomically: the primary's values win and the merged record only
 * fills its gaps (unique values move with it), the merged record is archived and its associations move to the primary.
 */
export async function mergeObjects(
  p: Platform,
  accountId: number,
  t: ObjectType,
  input: MergeInput,
  source: WriteSource,
): Promise<StoredObject> {
  const primaryId = mergeId(input.primaryObjectId, "primaryObjectId");
  const otherId = mergeId(input.objectIdToMerge, "objectIdToMerge");
  // Compared as record ids, not as strings: "0388" and "388" are one record, which must not be archived as the other.
  if (primaryId === otherId) {
    throw invalid(`A record cannot be merged into itself: ${input.objectIdToMerge} names the primary record.`, [
      { message: "Same record", in: "objectIdToMerge", code: "MERGE_WITH_SELF" },
    ]);
  }
  const defs = await p.crm.properties.live(accountId, t.id);
  const now = p.clock.now();
  const merged = await inTransaction(p, async (trx) => {
    const found = await getObjects(trx, accountId, t, [primaryId, otherId], false, true);
    const primary = found.get(primaryId);
    const other = found.get(otherId);
    if (!primary) throw objectNotFound(t, input.primaryObjectId);
    if (!other) throw objectNotFound(t, input.objectIdToMerge);
    const fill = Object.fromEntries(Object.entries(other.properties).filter(([k]) => primary.properties[k] === undefined));
    // Read before archiving, which drops the merged record's associations.
    const links = await associationsFrom(trx, accountId, other.id);
    await archiveObjects(trx, accountId, t, [other.id], now);
    const [merged] = await updateObjects(trx, accountId, t, defs, [{ object: primary, values: fill }], now, source);
    for (const l of links) {
      if (Number(l.to_id) === primary.id) continue;
      const spec = { associationCategory: l.category, associationTypeId: l.type_id } as AssociationSpec;
      await associate(trx, accountId, t, await p.crm.types.resolve(accountId, l.to_type), [
        { fromId: primary.id, toId: Number(l.to_id), specs: [spec] },
      ]);
    }
    return { merged: merged!, before: primary.properties, fill };
  });
  const base = eventBase(accountId, t.id, now, source);
  p.crm.events.emit([
    { ...base, objectId: primaryId, kind: "merge", primaryObjectId: primaryId, mergedObjectIds: [otherId] },
    ...propertyChanges(base, primaryId, merged.before, merged.fill),
  ]);
  return merged.merged;
}
