import { sql, type Kysely } from "kysely";
import DataLoader from "dataloader";
import type { Database } from "../../store/schema";
import type { Store } from "../../store/database";
import { invalid } from "../../errors/domain-error";
import type { ObjectType } from "../object-types";
import type { PropertyDefinitions } from "../property-service";
import { getObject, getObjects, resolveIds, type StoredObject } from "../object-store";
import { objectView } from "../object-view";
import { parseSearch, runSearch, SEARCH_LIMITS } from "../search-query";
import { searchBody, type FilterField, type SortChoice } from "./collection-args";

/** What every resolver of one GraphQL request works in. */
export interface GraphqlContext {
  db: Kysely<Database>;
  /** The store's `searchDb`, for the collections' searches. */
  searchDb: Kysely<Database>;
  properties: PropertyDefinitions;
  accountId: number;
  /** One loader per association field and page: the items of a collection ask for their associations together. */
  associationLoaders: Map<string, DataLoader<number, CollectionPage>>;
}

export const newContext = (store: Store, properties: PropertyDefinitions, accountId: number): GraphqlContext => ({
  db: store.db,
  searchDb: store.searchDb,
  properties,
  accountId,
  associationLoaders: new Map(),
});

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
  const defs = await ctx.properties.live(ctx.accountId, t.id);
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
  checkPaging(args.limit, args.offset);
  const defs = await ctx.properties.live(ctx.accountId, t.id);
  const req = parseSearch(searchBody(fields, args));
  const r = await runSearch(ctx.searchDb, { accountId: ctx.accountId, t, defs }, req);
  return page(t, r.objects, r.total, r.offset, r.limit);
}

/** Paging checked in the query's own terms (the search underneath speaks of `after`). */
function checkPaging(limit: number, offset: number): void {
  if (limit < 1 || limit > SEARCH_LIMITS.pageSize)
    throw invalid(`limit must be between 1 and ${SEARCH_LIMITS.pageSize} (got ${limit}).`, [
      { message: "limit out of range", in: "limit", code: "INVALID_LIMIT" },
    ]);
  if (offset < 0)
    throw invalid(`offset must not be negative (got ${offset}).`, [
      { message: "offset out of range", in: "offset", code: "INVALID_PAGING_CURSOR" },
    ]);
}

/** Record ids per query: far below the engines' bind-parameter caps (SQLite 32,766). */
const IDS_PER_QUERY = 500;

interface LinkSpec {
  from: ObjectType;
  to: ObjectType;
  typeId: number;
  limit: number;
  offset: number;
}

/**
 * One page of linked records for each of many source records, in three queries whatever their number: the totals,
 * the page of target ids per source (ranked by id), and the target records.
 */
async function associatedPages(ctx: GraphqlContext, spec: LinkSpec, fromIds: readonly number[]): Promise<CollectionPage[]> {
  const links = ctx.db
    .selectFrom("crm_associations as a")
    .innerJoin("crm_objects as o", "o.id", "a.to_id")
    .where("a.account_id", "=", ctx.accountId)
    .where("a.from_type", "=", spec.from.id)
    .where("a.from_id", "in", [...fromIds])
    .where("a.to_type", "=", spec.to.id)
    .where("a.type_id", "=", spec.typeId)
    .where("o.archived", "=", 0);
  const ranked = links.select([
    "a.from_id",
    "a.to_id",
    sql<number>`row_number() over (partition by a.from_id order by a.to_id)`.as("rank"),
  ]);
  const [counts, rows] = await Promise.all([
    links
      .select(["a.from_id", (eb) => eb.fn.countAll().as("n")])
      .groupBy("a.from_id")
      .execute(),
    ctx.db
      .selectFrom(ranked.as("r"))
      .select(["r.from_id", "r.to_id"])
      .where("r.rank", ">", spec.offset)
      .where("r.rank", "<=", spec.offset + spec.limit)
      .orderBy("r.from_id")
      .orderBy("r.to_id")
      .execute(),
  ]);
  const totals = new Map(counts.map((c) => [Number(c.from_id), Number(c.n)]));
  const pageIds = new Map<number, number[]>();
  for (const r of rows) {
    const list = pageIds.get(Number(r.from_id)) ?? [];
    list.push(Number(r.to_id));
    pageIds.set(Number(r.from_id), list);
  }
  const wanted = [...new Set(rows.map((r) => Number(r.to_id)))];
  const found = new Map<number, StoredObject>();
  for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
    for (const [id, o] of await getObjects(ctx.db, ctx.accountId, spec.to, wanted.slice(i, i + IDS_PER_QUERY), false)) found.set(id, o);
  }
  return fromIds.map((id) => {
    const objects = (pageIds.get(id) ?? []).map((to) => found.get(to)).filter((o): o is StoredObject => o !== undefined);
    return page(spec.to, objects, totals.get(id) ?? 0, spec.offset, spec.limit);
  });
}

/** `associations { company_collection__primary { … } }`: live records linked by one association type, by id. */
export function associated(ctx: GraphqlContext, spec: LinkSpec, fromId: number): Promise<CollectionPage> {
  checkPaging(spec.limit, spec.offset);
  const key = `${spec.from.id}:${spec.to.id}:${spec.typeId}:${spec.limit}:${spec.offset}`;
  let loader = ctx.associationLoaders.get(key);
  if (!loader)
    ctx.associationLoaders.set(
      key,
      (loader = new DataLoader((ids: readonly number[]) => associatedPages(ctx, spec, ids), { maxBatchSize: IDS_PER_QUERY })),
    );
  return loader.load(fromId);
}
