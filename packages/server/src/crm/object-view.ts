import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { propertyHistory, type StoredObject } from "./object-store";
import { isoTime as iso } from "../util/iso-time";

/**
 * Which properties a response carries: the requested ones that exist (null when unset), or the type's defaults; the
 * system three always. `"all"` is every stored value (create and update answers).
 */
export function selectProperties(
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  requested: readonly string[] | "all",
): readonly string[] | "all" {
  if (requested === "all") return "all";
  if (requested.length === 0) return defaultSelection(t);
  // The same names asked of the same definitions give the same selection: worked out once per definitions map (the
  // property cache makes a new one whenever it reloads them), which a get with `properties=` paid for on every call.
  let known = selections.get(defs);
  if (!known) selections.set(defs, (known = new Map()));
  const key = requested.join(",");
  const hit = known.get(key);
  if (hit && hit.t === t && sameNames(hit.requested, requested)) return hit.names;
  const names = withSystem(
    t,
    requested.filter((n) => defs.has(n)),
  );
  if (known.size >= MAX_SELECTIONS) known.clear();
  known.set(key, { t, requested: [...requested], names });
  return names;
}

const selections = new WeakMap<Map<string, PropertyDef>, Map<string, { t: ObjectType; requested: string[]; names: readonly string[] }>>();
const MAX_SELECTIONS = 256;

/** The key joins names with commas, which a name in a JSON body may hold too: a hit is checked name by name. */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const withSystem = (t: ObjectType, names: readonly string[]) => [
  ...new Set([...names, "createdate", t.lastModifiedProperty, "hs_object_id"]),
];

/** What a read without `properties` answers with: the same for every read of a type, so worked out once. */
const defaults = new Map<ObjectType, readonly string[]>();
export function defaultSelection(t: ObjectType): readonly string[] {
  let names = defaults.get(t);
  if (!names) defaults.set(t, (names = withSystem(t, t.defaultProperties)));
  return names;
}

/** HubSpot's SimplePublicObject; property values are strings or null. Every record read builds one: dates are formatted once each. */
export function objectView(t: ObjectType, o: StoredObject, names: readonly string[] | "all"): Record<string, unknown> {
  const id = String(o.id);
  const createdAt = iso(o.createdAt);
  // A record never updated since its creation (most of them) formats its one time once.
  const updatedAt = o.updatedAt === o.createdAt ? createdAt : iso(o.updatedAt);
  let properties: Record<string, string | null>;
  if (names === "all") properties = { ...o.properties, createdate: createdAt, [t.lastModifiedProperty]: updatedAt, hs_object_id: id };
  else {
    properties = {};
    for (const n of names) {
      properties[n] =
        n === "createdate" ? createdAt : n === t.lastModifiedProperty ? updatedAt : n === "hs_object_id" ? id : (o.properties[n] ?? null);
    }
  }
  const view: Record<string, unknown> = { id, properties, createdAt, updatedAt, archived: o.archived };
  if (o.archivedAt !== null) view.archivedAt = iso(o.archivedAt);
  return view;
}

/** Adds `propertiesWithHistory` to views, in one query for all of them. */
export async function attachHistory(
  db: Kysely<Database>,
  accountId: number,
  defs: Map<string, PropertyDef>,
  views: Array<Record<string, unknown>>,
  requested: readonly string[],
): Promise<void> {
  const names = requested.filter((n) => defs.has(n));
  if (names.length === 0 || views.length === 0) return;
  const rows = await propertyHistory(
    db,
    accountId,
    views.map((v) => Number(v.id)),
    names,
  );
  const byObject = new Map<string, Record<string, unknown[]>>();
  for (const v of views) byObject.set(v.id as string, Object.fromEntries(names.map((n) => [n, []])));
  for (const r of rows) {
    byObject.get(String(r.object_id))?.[r.name]?.push({
      value: r.value ?? "",
      timestamp: iso(Number(r.timestamp)),
      sourceType: r.source_type,
      ...(r.source_id !== null ? { sourceId: r.source_id } : {}),
    });
  }
  for (const v of views) v.propertiesWithHistory = byObject.get(v.id as string);
}
