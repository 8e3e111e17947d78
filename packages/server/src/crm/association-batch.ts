import { decodeAfter, encodeAfter } from "./paging-cursor";
import type { ObjectType } from "./object-types";
import { parseObjectId } from "./object-store";
import { associatedPage } from "./associations";
import { standardError, type StandardError } from "./batch-response";
import type { Db } from "./object-writes";

/** Which of `ids` are live records of the type in this account. */
async function liveIds(db: Db, accountId: number, t: ObjectType, ids: readonly number[]): Promise<Set<number>> {
  const rows = await db
    .selectFrom("crm_objects")
    .select("id")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("archived", "=", 0)
    .where("id", "in", ids.concat(-1))
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** Splits batch pairs into those whose both ends are live records of this account and errors for the rest. */
export async function splitLive<T extends { fromId: number | undefined; toId: number | undefined }>(
  db: Db,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  pairs: T[],
): Promise<{ live: T[]; errors: StandardError[] }> {
  const fromLive = await liveIds(
    db,
    accountId,
    from,
    pairs.map((x) => x.fromId).filter((x): x is number => x !== undefined),
  );
  const toLive = await liveIds(
    db,
    accountId,
    to,
    pairs.map((x) => x.toId).filter((x): x is number => x !== undefined),
  );
  const live = pairs.filter((x) => x.fromId !== undefined && x.toId !== undefined && fromLive.has(x.fromId) && toLive.has(x.toId));
  const dead = pairs.filter((x) => !live.includes(x));
  const errors = dead.length
    ? [
        standardError(
          "OBJECT_NOT_FOUND",
          `Some records do not exist: ${dead.map((x) => `${from.name} ${x.fromId ?? "?"} → ${to.name} ${x.toId ?? "?"}`).join(", ")}.`,
          { fromIds: dead.map((x) => String(x.fromId ?? "")), toIds: dead.map((x) => String(x.toId ?? "")) },
        ),
      ]
    : [];
  return { live, errors };
}

/** v4 batch read: a page of associations for each live record named; the others are reported as missing. */
export async function readAssociationPages(
  db: Db,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  inputs: ReadonlyArray<{ id: string; after?: string | undefined }>,
) {
  const ids = inputs.map((i) => parseObjectId(i.id));
  const live = await liveIds(
    db,
    accountId,
    from,
    ids.filter((x): x is number => x !== undefined),
  );
  const results = [];
  const missing: string[] = [];
  for (const [i, input] of inputs.entries()) {
    const id = ids[i];
    if (id === undefined || !live.has(id)) {
      missing.push(input.id);
      continue;
    }
    const page = (await associatedPage(db, accountId, from, to, [id], decodeAfter(input.after), 500)).get(id)!;
    const last = page.results[page.results.length - 1];
    results.push({
      from: { id: String(id) },
      to: page.results,
      ...(page.more && last ? { paging: { next: { after: encodeAfter(Number(last.toObjectId)) } } } : {}),
    });
  }
  return { results, missing };
}
