import type { Platform } from "../platform";
import { after, type MaybePromise } from "../util/maybe-async";
import type { ObjectType } from "./object-types";
import { DomainError } from "../errors/domain-error";
import type { PropertyDef } from "./property-definitions";
import { getObject, objectNotFound, pageObjects, parseObjectId, resolveIds, type StoredObject } from "./object-store";
import { attachHistory, defaultSelection, objectView, selectProperties } from "./object-view";
import { v3Associations } from "./associations";
import type { Db } from "./object-writes";

/** What a list or get asks to see of each record: HubSpot's `properties`, `propertiesWithHistory`, `associations`. */
export interface ViewOptions {
  properties: string[];
  propertiesWithHistory: string[];
  /** Object type names; unknown ones are ignored, as HubSpot does. */
  associations: string[];
}

type View = Record<string, unknown>;

/**
 * Builds list/get answers: properties, history and v3 associations, each fetched once for the whole page. Without
 * history or associations asked for, the answer is built without a promise (a cached get runs start to end at once).
 */
function viewsOf(p: Platform, accountId: number, t: ObjectType, objects: StoredObject[], opts: ViewOptions): MaybePromise<View[]> {
  return after(p.crm.properties.live(accountId, t.id), (defs) => viewsWith(p, accountId, t, defs, objects, opts));
}

/** The views of `objects` under definitions already in hand (a get has read them to resolve its id). */
function viewsWith(
  p: Platform,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  objects: StoredObject[],
  opts: ViewOptions,
): MaybePromise<View[]> {
  const names = selectProperties(t, defs, opts.properties);
  const views = objects.map((o) => objectView(t, o, names));
  return opts.propertiesWithHistory.length === 0 && opts.associations.length === 0
    ? views
    : associationTargets(p, accountId, opts.associations).then((targets) =>
        addExtras(p.store.db, accountId, t, defs, objects, views, opts.propertiesWithHistory, targets),
      );
}

/** The types `associations=` names, custom ones included; HubSpot leaves out names it does not know. */
async function associationTargets(p: Platform, accountId: number, names: readonly string[]): Promise<ObjectType[]> {
  const found = await Promise.all(
    names.map(async (n) => {
      try {
        return await p.crm.types.resolve(accountId, n);
      } catch (error) {
        if (error instanceof DomainError) return undefined;
        throw error;
      }
    }),
  );
  return [...new Set(found.filter((x): x is ObjectType => !!x))];
}

async function addExtras(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  objects: StoredObject[],
  views: View[],
  history: string[],
  targets: ObjectType[],
) {
  await attachHistory(db, accountId, defs, views, history);
  if (targets.length > 0) {
    const assoc = await v3Associations(
      db,
      accountId,
      t,
      targets,
      objects.map((o) => o.id),
    );
    views.forEach((v, i) => {
      const a = assoc.get(objects[i]!.id);
      if (a) v.associations = a;
    });
  }
  return views;
}

/** One page of records in id order after `afterId`; `lastId` is where the next page starts when there is one. */
export async function listObjects(
  p: Platform,
  accountId: number,
  t: ObjectType,
  page: { afterId: number; limit: number; archived: boolean },
  opts: ViewOptions,
): Promise<{ views: View[]; lastId?: number }> {
  const objects = await pageObjects(p.store.db, accountId, t, { ...page, limit: page.limit + 1 });
  const shown = objects.slice(0, page.limit);
  const views = await viewsOf(p, accountId, t, shown, opts);
  return objects.length > page.limit ? { views, lastId: shown[shown.length - 1]!.id } : { views };
}

/** One record named by id or `idProperty`; a cached read answers without a promise (the CRM's hot path). */
export function readObject(
  p: Platform,
  accountId: number,
  t: ObjectType,
  rawId: string,
  by: { idProperty: string | undefined; archived: boolean },
  opts: ViewOptions,
): MaybePromise<View> {
  if (opts.propertiesWithHistory.length === 0 && opts.associations.length === 0 && (!by.idProperty || by.idProperty === "hs_object_id"))
    return opts.properties.length === 0
      ? viewById(p, accountId, t, rawId, by.archived, defaultSelection(t))
      : after(p.crm.properties.live(accountId, t.id), (defs) =>
          viewById(p, accountId, t, rawId, by.archived, selectProperties(t, defs, opts.properties)),
        );
  const db = p.store.db;
  return after(p.crm.properties.live(accountId, t.id), (defs) =>
    after(resolveIds(db, accountId, t, defs, [rawId], by.idProperty), ([id]) =>
      after(id === undefined ? undefined : getObject(db, accountId, t, id, by.archived), (object) => {
        if (!object) throw objectNotFound(t, rawId);
        return after(viewsWith(p, accountId, t, defs, [object], opts), ([view]) => view!);
      }),
    ),
  );
}

/**
 * The common get, by record id with its properties only, the same answer as the general path above without its arrays
 * of one record and their callbacks; the type's default selection needs no property definitions at all.
 */
function viewById(
  p: Platform,
  accountId: number,
  t: ObjectType,
  rawId: string,
  archived: boolean,
  names: readonly string[] | "all",
): MaybePromise<View> {
  const id = parseObjectId(rawId);
  return after(id === undefined ? undefined : getObject(p.store.db, accountId, t, id, archived), (object) => {
    if (!object) throw objectNotFound(t, rawId);
    return objectView(t, object, names);
  });
}
