import { PostgresAdapter, sql, type CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../store/schema";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import type { ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { indexValue } from "./property-values";
import { noteWrite } from "./search-generations";
import { readFirstNow } from "../store/sqlite-now";
import { readPoint, readShared, type PointRead } from "../store/pg-prepared";
import type { MaybePromise } from "../util/maybe-async";

type Db = Kysely<Database>;

/** A record as read from crm_objects, its JSON decoded once. */
export interface StoredObject {
  id: number;
  typeId: string;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  archivedAt: number | null;
  properties: Record<string, string>;
}

/** Who wrote a value, for property history. */
export interface WriteSource {
  sourceType: string;
  sourceId: string | null;
}

const COLUMNS = ["id", "object_type_id", "archived", "created_at", "updated_at", "archived_at", "properties"] as const;

type Row = {
  id: number;
  object_type_id: string;
  archived: number;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
  properties: string;
};

/** A row read as an array, in COLUMNS order. */
const rowOf = (a: unknown[]): Row => ({
  id: a[0] as number,
  object_type_id: a[1] as string,
  archived: a[2] as number,
  created_at: a[3] as number,
  updated_at: a[4] as number,
  archived_at: a[5] as number | null,
  properties: a[6] as string,
});

export function decodeRow(r: Row): StoredObject {
  return {
    id: Number(r.id),
    typeId: r.object_type_id,
    archived: r.archived === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    archivedAt: r.archived_at === null ? null : Number(r.archived_at),
    properties: JSON.parse(r.properties) as Record<string, string>,
  };
}

/** Numeric ids only: anything else cannot name a record (and would trip PostgreSQL's bigint). */
export function parseObjectId(raw: string): number | undefined {
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Reads records by id; archived ones only when asked for, live ones otherwise (HubSpot's `archived` switch).
 * `forUpdate` (inside a write transaction) locks the rows on PostgreSQL, in id order, so two concurrent updates of one
 * record apply one after the other instead of the second overwriting the first; SQLite writes one at a time anyway.
 */
export async function getObjects(
  db: Db,
  accountId: number,
  t: ObjectType,
  ids: readonly number[],
  archived: boolean,
  forUpdate = false,
): Promise<Map<number, StoredObject>> {
  const out = new Map<number, StoredObject>();
  if (ids.length === 0) return out;
  const lock = forUpdate && db.getExecutor().adapter instanceof PostgresAdapter;
  if (ids.length === 1 && !lock) {
    const object = await getObject(db, accountId, t, ids[0]!, archived);
    if (object) out.set(object.id, object);
    return out;
  }
  const rows = await db
    .selectFrom("crm_objects")
    .select(COLUMNS)
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("archived", "=", archived ? 1 : 0)
    .where("id", "in", [...new Set(ids)])
    .$if(lock, (q) => q.orderBy("id").forUpdate())
    .execute();
  for (const r of rows) out.set(Number(r.id), decodeRow(r));
  return out;
}

/**
 * One record, read at once when the store allows it (see store/sqlite-now.ts), else on PostgreSQL with the turn's other
 * reads (store/pg-prepared.ts).
 */
export function getObject(db: Db, accountId: number, t: ObjectType, id: number, archived: boolean): MaybePromise<StoredObject | undefined> {
  const now = readFirstNow(db, SQLITE_READ_ONE, [id, accountId, t.id, archived ? 1 : 0]);
  if (now !== undefined)
    return now === null
      ? undefined
      : {
          id,
          typeId: t.id,
          archived,
          createdAt: Number(now[0]),
          updatedAt: Number(now[1]),
          archivedAt: now[2] === null ? null : Number(now[2]),
          properties: JSON.parse(now[3] as string) as Record<string, string>,
        };
  const query = readOneQuery(db);
  const parameters = [accountId, t.id, archived ? 1 : 0, id];
  const prepared = readPoint(db, PG_READ_ONE, parameters);
  if (prepared) return prepared.then((rows) => (rows[0] ? decodeRow(rowOf(rows[0])) : undefined));
  return db.executeQuery<Row>({ ...query, parameters }).then((r) => (r.rows[0] ? decodeRow(r.rows[0]) : undefined));
}

/**
 * The single-record read on SQLite when it can run at once: the columns its `where` does not already give (the id, type
 * and archived flag are the caller's), read with `get`. Four columns and the row alone instead of seven in an array of
 * rows: 1.05 against 1.45 µs a read in a loop, a get's largest single step after the socket.
 */
const SQLITE_READ_ONE = `select "created_at", "updated_at", "archived_at", "properties" from "crm_objects" where "id" = ? and "account_id" = ? and "object_type_id" = ? and "archived" = ?`;

/** The single-record read on PostgreSQL, batched with the turn's others; its keys are `parameters` above, in order. */
const PG_READ_ONE: PointRead = {
  name: "sprocket_crm_read_one",
  table: "crm_objects",
  columns: COLUMNS,
  keys: [
    ["account_id", "bigint"],
    ["object_type_id", "text"],
    ["archived", "integer"],
    ["id", "bigint"],
  ],
};

/**
 * The single-record read, compiled once per engine: building and compiling it with Kysely took longer than SQLite
 * takes to run it (9 µs of a CRM get). Its parameters are its `where` values, in order.
 */
const readOne = new Map<string, CompiledQuery<Row>>();
function readOneQuery(db: Db): CompiledQuery<Row> {
  const engine = db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
  let query = readOne.get(engine);
  if (!query) {
    query = db
      .selectFrom("crm_objects")
      .select(COLUMNS)
      .where("account_id", "=", 0)
      .where("object_type_id", "=", "")
      .where("archived", "=", 0)
      .where("id", "=", 0)
      .compile();
    readOne.set(engine, query);
  }
  return query;
}

/** Ids of live records holding these values of a unique property (case-insensitive, like HubSpot's email). */
export async function idsByUniqueValue(
  db: Db,
  accountId: number,
  t: ObjectType,
  name: string,
  values: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (values.length === 0) return out;
  const rows = await db
    .selectFrom("crm_property_values")
    .select(["object_id", "value_text"])
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", name)
    .where("value_text", "in", [...new Set(values.map((v) => v.toLowerCase()))])
    .execute();
  for (const r of rows) if (r.value_text !== null) out.set(r.value_text, Number(r.object_id));
  return out;
}

/**
 * Turns `id` + `idProperty` into record ids. `idProperty` must be hs_object_id or a unique property; values that name
 * nothing map to undefined.
 */
export function resolveIds(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  raw: readonly string[],
  idProperty: string | undefined,
): MaybePromise<Array<number | undefined>> {
  if (!idProperty || idProperty === "hs_object_id") return raw.map(parseObjectId);
  return idsByUniqueProperty(db, accountId, t, defs, raw, idProperty);
}

async function idsByUniqueProperty(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  raw: readonly string[],
  idProperty: string,
): Promise<Array<number | undefined>> {
  const def = defs.get(idProperty);
  if (!def)
    throw invalid(`Property "${idProperty}" does not exist on ${t.name}.`, [
      { message: "Unknown idProperty", in: "idProperty", code: "PROPERTY_DOESNT_EXIST" },
    ]);
  if (!def.hasUniqueValue)
    throw invalid(`Property "${idProperty}" is not a unique property, so it cannot be used as idProperty.`, [
      { message: "Not a unique property", in: "idProperty", code: "INVALID_ID_PROPERTY" },
    ]);
  const found = await idsByUniqueValue(db, accountId, t, idProperty, raw);
  return raw.map((v) => found.get(v.toLowerCase()));
}

/** HubSpot's 409 for a unique value that another record holds. */
export function uniqueConflict(t: ObjectType, name: string, existingId: number): DomainError {
  const message =
    name === "email" && t.id === "0-1"
      ? `Contact already exists. Existing ID: ${existingId}`
      : `A ${t.singular} with this ${name} already exists. Existing ID: ${existingId}`;
  return new DomainError("conflict", message, { context: { id: [String(existingId)], propertyName: [name] } });
}

/** The unique values a write claims, per unique property in `defs`' order: lower-cased value → the writing record's id. */
export type UniqueClaims = Array<{ name: string; seen: Map<string, number | undefined> }>;

/** One unique property's claims, or "duplicate" when the batch itself gives one value twice. */
function claimsOf(
  def: PropertyDef,
  writes: ReadonlyArray<{ id?: number; values: Record<string, string | null> }>,
): Map<string, number | undefined> | { duplicate: string } {
  const seen = new Map<string, number | undefined>();
  for (const w of writes) {
    if (w.values[def.name] == null) continue;
    const v = w.values[def.name]!.toLowerCase();
    if (seen.has(v)) return { duplicate: w.values[def.name]! };
    seen.set(v, w.id);
  }
  return seen;
}

/**
 * The write's unique claims, reading nothing; undefined when the batch gives a unique value twice (`checkUnique`
 * reports that, after the 409s of the properties before it).
 */
export function uniqueClaims(
  defs: Map<string, PropertyDef>,
  writes: ReadonlyArray<{ id?: number; values: Record<string, string | null> }>,
): UniqueClaims | undefined {
  const out: UniqueClaims = [];
  for (const def of defs.values()) {
    if (!def.hasUniqueValue) continue;
    const seen = claimsOf(def, writes);
    if (!(seen instanceof Map)) return undefined;
    if (seen.size > 0) out.push({ name: def.name, seen });
  }
  return out;
}

/** Throws a 409 if a write would give a unique value to two live records (counting the batch itself). */
export async function checkUnique(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  writes: ReadonlyArray<{ id?: number; values: Record<string, string | null> }>,
): Promise<void> {
  for (const def of defs.values()) {
    if (!def.hasUniqueValue) continue;
    const seen = claimsOf(def, writes);
    if (!(seen instanceof Map))
      throw invalid(`Duplicate ${def.name} "${seen.duplicate}" within one request.`, [
        { message: "Duplicate unique value", in: def.name, code: "DUPLICATE_UNIQUE_VALUE" },
      ]);
    if (seen.size === 0) continue;
    await lockUniqueValues(db, accountId, t, def.name, [...seen.keys()]);
    const holders = await idsByUniqueValue(db, accountId, t, def.name, [...seen.keys()]);
    for (const [v, holder] of holders) if (seen.get(v) !== holder) throw uniqueConflict(t, def.name, holder);
  }
}

/** The advisory lock keys of unique values, in the order they are taken (see lockUniqueValues). */
export const uniqueLockKeys = (accountId: number, t: ObjectType, name: string, values: readonly string[]): string[] =>
  [...values].sort().map((v) => `crm-unique:${accountId}:${t.id}:${name}:${v}`);

/**
 * On PostgreSQL two transactions could both see a value free and both claim it (READ COMMITTED); a transaction-scoped
 * advisory lock per value serialises them. Sorted, so two writers never wait on each other in opposite orders.
 * SQLite runs one write transaction at a time already.
 */
async function lockUniqueValues(db: Db, accountId: number, t: ObjectType, name: string, values: string[]): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // One statement for the whole batch (a round trip per value was a third of a 100-record batch create): the locks
  // are taken in the array's order, which `with ordinality` keeps.
  const keys = uniqueLockKeys(accountId, t, name, values);
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${keys}::text[]) with ordinality as u(k, n) order by n`.execute(
    db,
  );
}

const CHUNK = 500;
function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function writeIndexAndHistory(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  changes: ReadonlyArray<{ id: number; values: Record<string, string | null> }>,
  now: number,
  source: WriteSource,
  fresh = false,
): Promise<void> {
  const cleared: Array<{ id: number; name: string }> = [];
  const index: Database["crm_property_values"][] = [];
  const history: Array<Omit<Database["crm_property_history"], "id">> = [];
  for (const { id, values } of changes) {
    for (const [name, value] of Object.entries(values)) {
      cleared.push({ id, name });
      if (value !== null)
        index.push({ object_id: id, name, account_id: accountId, object_type_id: t.id, ...indexValue(defs.get(name), value) });
      history.push({
        account_id: accountId,
        object_id: id,
        name,
        value,
        timestamp: now,
        source_type: source.sourceType,
        source_id: source.sourceId,
      });
    }
  }
  // One delete per record keeps the statement count at O(records), not O(values); records just inserted have no
  // index rows to clear (those deletes were 100 of a batch create's 105 statements).
  const byId = new Map<number, string[]>();
  if (!fresh) for (const c of cleared) byId.set(c.id, [...(byId.get(c.id) ?? []), c.name]);
  for (const [id, names] of byId)
    await db.deleteFrom("crm_property_values").where("object_id", "=", id).where("name", "in", names).execute();
  for (const part of chunks(index)) await db.insertInto("crm_property_values").values(part).execute();
  for (const part of chunks(history)) await db.insertInto("crm_property_history").values(part).execute();
}

/** Inserts records (values already validated); ids come back in input order. Runs inside the caller's transaction. */
export async function insertObjects(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  inputs: ReadonlyArray<{ values: Record<string, string | null>; createdAt?: number }>,
  now: number,
  source: WriteSource,
  opts: { history?: boolean } = {},
): Promise<StoredObject[]> {
  noteWrite(db, accountId, t.id);
  const out: StoredObject[] = [];
  for (const part of chunks(inputs)) {
    const rows = part.map((input) => {
      const properties = Object.fromEntries(Object.entries(input.values).filter((e): e is [string, string] => e[1] !== null));
      return {
        account_id: accountId,
        object_type_id: t.id,
        archived: 0,
        created_at: input.createdAt ?? now,
        updated_at: input.createdAt ?? now,
        archived_at: null,
        properties: JSON.stringify(properties),
      };
    });
    const inserted = await db.insertInto("crm_objects").values(rows).returning("id").execute();
    // A multi-row insert draws its ids in VALUES order on both engines, so sorted ids line up with the inputs.
    const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
    part.forEach((input, i) => {
      const row = rows[i]!;
      out.push({
        id: ids[i]!,
        typeId: t.id,
        archived: false,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        archivedAt: null,
        properties: JSON.parse(row.properties) as Record<string, string>,
      });
    });
  }
  const changes = out.map((o) => ({ id: o.id, values: o.properties }));
  if (opts.history === false) {
    const index = changes.flatMap(({ id, values }) =>
      Object.entries(values).map(([name, v]) => ({
        object_id: id,
        name,
        account_id: accountId,
        object_type_id: t.id,
        ...indexValue(defs.get(name), v),
      })),
    );
    for (const part of chunks(index)) await db.insertInto("crm_property_values").values(part).execute();
  } else {
    await writeIndexAndHistory(db, accountId, t, defs, changes, now, source, true);
  }
  return out;
}

/** Applies validated changes to loaded records; only values that differ are written to the index and history. */
export async function updateObjects(
  db: Db,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  updates: ReadonlyArray<{ object: StoredObject; values: Record<string, string | null> }>,
  now: number,
  source: WriteSource,
): Promise<StoredObject[]> {
  noteWrite(db, accountId, t.id);
  const changes: Array<{ id: number; values: Record<string, string | null> }> = [];
  const out: StoredObject[] = [];
  for (const { object, values } of updates) {
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => (object.properties[k] ?? null) !== v));
    const properties = { ...object.properties };
    for (const [k, v] of Object.entries(changed)) {
      if (v === null) delete properties[k];
      else properties[k] = v;
    }
    await db
      .updateTable("crm_objects")
      .set({ properties: JSON.stringify(properties), updated_at: now })
      .where("id", "=", object.id)
      .where("account_id", "=", accountId)
      .execute();
    changes.push({ id: object.id, values: changed });
    out.push({ ...object, properties, updatedAt: now });
  }
  await writeIndexAndHistory(db, accountId, t, defs, changes, now, source);
  return out;
}

/** Archives live records: they leave the search index and lose their associations. Unknown ids are ignored. */
export async function archiveObjects(db: Db, accountId: number, t: ObjectType, ids: readonly number[], now: number): Promise<number[]> {
  if (ids.length === 0) return [];
  const live = await db
    .selectFrom("crm_objects")
    .select("id")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("archived", "=", 0)
    .where("id", "in", [...new Set(ids)])
    .execute();
  const liveIds = live.map((r) => Number(r.id));
  if (liveIds.length === 0) return [];
  noteWrite(db, accountId, t.id);
  await db.updateTable("crm_objects").set({ archived: 1, archived_at: now, updated_at: now }).where("id", "in", liveIds).execute();
  await db.deleteFrom("crm_property_values").where("object_id", "in", liveIds).execute();
  await dropAssociations(db, accountId, liveIds);
  return liveIds;
}

export async function dropAssociations(db: Db, accountId: number, ids: readonly number[]): Promise<void> {
  await db
    .deleteFrom("crm_associations")
    .where("account_id", "=", accountId)
    .where((eb) => eb.or([eb("from_id", "in", ids), eb("to_id", "in", ids)]))
    .execute();
}

export const objectNotFound = (t: ObjectType, id: string) => notFound(`Object not found: no ${t.singular} with id ${id} in this account.`);

/** Whether the record is stored in this account as this type, live or archived. */
export async function objectExists(db: Db, accountId: number, t: ObjectType, id: number): Promise<boolean> {
  const row = await db
    .selectFrom("crm_objects")
    .select("id")
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .executeTakeFirst();
  return row !== undefined;
}

/** GDPR delete: the record, its index, its history and its associations are gone for good. */
export async function purgeObject(db: Db, accountId: number, t: ObjectType, id: number): Promise<void> {
  noteWrite(db, accountId, t.id);
  await db.deleteFrom("crm_property_values").where("object_id", "=", id).execute();
  await db.deleteFrom("crm_property_history").where("object_id", "=", id).where("account_id", "=", accountId).execute();
  await dropAssociations(db, accountId, [id]);
  await db.deleteFrom("crm_objects").where("id", "=", id).where("account_id", "=", accountId).execute();
}

/** Values with their history, newest first, for `propertiesWithHistory`. */
export async function propertyHistory(db: Db, accountId: number, ids: readonly number[], names: readonly string[]) {
  if (ids.length === 0 || names.length === 0) return [];
  return db
    .selectFrom("crm_property_history")
    .select(["object_id", "name", "value", "timestamp", "source_type", "source_id"])
    .where("account_id", "=", accountId)
    .where("object_id", "in", ids)
    .where("name", "in", names)
    .orderBy("object_id")
    .orderBy("name")
    .orderBy("timestamp", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Keyset page of live (or archived) records by id. */
export async function pageObjects(
  db: Db,
  accountId: number,
  t: ObjectType,
  opts: { afterId: number; limit: number; archived: boolean },
): Promise<StoredObject[]> {
  const parameters = [accountId, t.id, opts.archived ? 1 : 0, opts.afterId, opts.limit];
  const shared = readShared(db, PG_PAGE.name, PG_PAGE.text, parameters);
  if (shared) return (await shared).map((row) => decodeRow(rowOf(row)));
  const rows = await db
    .selectFrom("crm_objects")
    .select(COLUMNS)
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("archived", "=", opts.archived ? 1 : 0)
    .where("id", ">", opts.afterId)
    .orderBy("id")
    .limit(opts.limit)
    .execute();
  return rows.map(decodeRow);
}

/**
 * A page of a list on PostgreSQL, shared by the same page's reads while it waits for a connection (store/pg-prepared.ts
 * `readShared`); its parameters are `pageObjects`' in order, its statement the Kysely query's.
 */
const PG_PAGE = {
  name: "sprocket_crm_page",
  text: `select ${COLUMNS.map((c) => `"${c}"`).join(", ")} from "crm_objects" where "account_id" = $1 and "object_type_id" = $2 and "archived" = $3 and "id" > $4 order by "id" limit $5`,
};

export { COLUMNS as OBJECT_COLUMNS };
