import type { Kysely } from "kysely";
import type { Database } from "../../store/schema";
import { validationError } from "../../http/api-error";
import type { ObjectType } from "../object-types";
import { liveProperties } from "../property-definitions";
import { getObject, getObjects, resolveIds, type StoredObject } from "../object-store";
import { objectView } from "../object-view";
import { parseSearch, runSearch, SEARCH_LIMITS } from "../search-query";
import { searchBody, type FilterField, type SortChoice } from "./collection-args";

/** What every resolver of one GraphQL request works in. */
export interface GraphqlContext {
  db: Kysely<Database>;
  accountId: number;
  now: number;
}

/** A record as the REST API shows it with every property: GraphQL fields read their values off it. */
export interface RecordView {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface CollectionPage {
  total: number;
  items: RecordView[];
  /** Where the next page starts (pass it back as `offset`). */
  offset: number;
  limit: number;
  hasMore: boolean;
}

export const DEFAULT_LIMIT = 10;

const view = (t: ObjectType, o: StoredObject) => objectView(t, o, "all") as unknown as RecordView;

function page(t: ObjectType, objects: readonly StoredObject[], total: number, offset: number, limit: number): CollectionPage {
  const items = objects.map((o) => view(t, o));
  const next = offset + items.length;
  return { total, items, offset: next, limit, hasMore: next < total };
}

/** `contact(uniqueIdentifier: "email", uniqueIdentifierValue: …)`: by id, or by a unique property; null when none. */
export async function findOne(ctx: GraphqlContext, t: ObjectType, uniqueIdentifier: string, value: string): Promise<RecordView | null> {
  const defs = await liveProperties(ctx.db, ctx.accountId, t.id, ctx.now);
  const idProperty = uniqueIdentifier === "id" ? undefined : uniqueIdentifier;
  const [id] = await resolveIds(ctx.db, ctx.accountId, t, defs, [value], idProperty);
  if (id === undefined) return null;
  const o = await getObject(ctx.db, ctx.accountId, t, id, false);
  return o ? view(t, o) : null;
}

/** `contact_collection(filter, orderBy, limit, offset)`: one CRM search, with the search API's checks and limits. */
export async function collection(
  ctx: GraphqlContext,
  t: ObjectType,
  fields: ReadonlyMap<string, FilterField>,
  args: { filter?: Record<string, unknown> | null; orderBy?: readonly SortChoice[] | null; limit: number; offset: number },
): Promise<CollectionPage> {
  const defs = await liveProperties(ctx.db, ctx.accountId, t.id, ctx.now);
  const req = parseSearch(searchBody(fields, args));
  const r = await runSearch(ctx.db, { accountId: ctx.accountId, t, defs }, req);
  return page(t, r.objects, r.total, r.offset, r.limit);
}

function checkPaging(limit: number, offset: number): void {
  if (limit < 1 || limit > SEARCH_LIMITS.pageSize) throw validationError(`limit must be between 1 and ${SEARCH_LIMITS.pageSize} (got ${limit}).`, [{ message: "limit out of range", in: "limit", code: "INVALID_LIMIT" }]);
  if (offset < 0) throw validationError(`offset must not be negative (got ${offset}).`, [{ message: "offset out of range", in: "offset", code: "INVALID_PAGING_CURSOR" }]);
}

/** `associations { company_collection__primary { … } }`: live records linked by one association type, by id. */
export async function associated(ctx: GraphqlContext, from: ObjectType, fromId: number, to: ObjectType, typeId: number, limit: number, offset: number): Promise<CollectionPage> {
  checkPaging(limit, offset);
  const links = ctx.db
    .selectFrom("crm_associations as a")
    .innerJoin("crm_objects as o", "o.id", "a.to_id")
    .where("a.account_id", "=", ctx.accountId)
    .where("a.from_type", "=", from.id)
    .where("a.from_id", "=", fromId)
    .where("a.to_type", "=", to.id)
    .where("a.type_id", "=", typeId)
    .where("o.archived", "=", 0);
  const [count, rows] = await Promise.all([
    links.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst(),
    links.select("a.to_id").orderBy("a.to_id").limit(limit).offset(offset).execute(),
  ]);
  const ids = rows.map((r) => Number(r.to_id));
  const found = await getObjects(ctx.db, ctx.accountId, to, ids, false);
  const objects = ids.map((id) => found.get(id)).filter((o): o is StoredObject => o !== undefined);
  return page(to, objects, Number(count?.n ?? 0), offset, limit);
}
