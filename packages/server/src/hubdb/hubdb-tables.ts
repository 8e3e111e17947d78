import { z } from "zod";
import type { Kysely, Selectable } from "kysely";
import type { HubdbTablesTable } from "./tables";
import type { Database } from "../store/schema";
import { DomainError, conflict, invalid, notFound } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";

type Db = Kysely<Database>;

export const COLUMN_TYPES = [
  "NULL",
  "TEXT",
  "NUMBER",
  "URL",
  "IMAGE",
  "SELECT",
  "MULTISELECT",
  "BOOLEAN",
  "LOCATION",
  "DATE",
  "DATETIME",
  "CURRENCY",
  "RICHTEXT",
  "FOREIGN_ID",
  "VIDEO",
  "CTA",
  "FILE",
  "JSON",
] as const;

export interface ColumnOption {
  id: string;
  name: string;
  label?: string;
  type: "option";
  order: number;
}

export interface Column {
  id: string;
  name: string;
  label: string;
  type: (typeof COLUMN_TYPES)[number];
  options?: ColumnOption[];
}

/** A table's definition, draft or published. */
export interface TableDefinition {
  label: string;
  columns: Column[];
  allowPublicApiAccess: boolean;
  useForPages: boolean;
  enableChildTablePages: boolean;
  allowChildTables: boolean;
  dynamicMetaTags: Record<string, number>;
  updatedAt: number;
}

export interface StoredTable {
  id: number;
  accountId: number;
  name: string;
  draft: TableDefinition;
  published: TableDefinition | null;
  publishedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

const columnInput = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  name: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/i, "must start with a letter and hold only letters, digits and underscores"),
  label: z.string().min(1).max(1000),
  type: z.enum(COLUMN_TYPES),
  options: z
    .array(
      z.object({
        id: z.union([z.number(), z.string()]).optional(),
        name: z.string().min(1),
        label: z.string().optional(),
        order: z.number().optional(),
      }),
    )
    .optional(),
});
export const tableInput = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/i, "must start with a letter and hold only letters, digits and underscores"),
  label: z.string().min(1).max(1000),
  columns: z.array(columnInput).optional(),
  allowPublicApiAccess: z.boolean().optional(),
  useForPages: z.boolean().optional(),
  enableChildTablePages: z.boolean().optional(),
  allowChildTables: z.boolean().optional(),
  dynamicMetaTags: z.record(z.string(), z.number()).optional(),
});
export type TableInput = z.infer<typeof tableInput>;

/** Columns from a request: a column named like one the table has keeps its id, new ones count on from the highest. */
function columnsFrom(input: NonNullable<TableInput["columns"]>, current: readonly Column[]): Column[] {
  const seen = new Set<string>();
  let next = Math.max(0, ...current.map((c) => Number(c.id)));
  return input.map((c) => {
    const key = c.name.toLowerCase();
    if (seen.has(key)) throw invalid(`Two columns are named ${c.name}: column names are unique in a table.`);
    seen.add(key);
    const id = current.find((x) => x.name.toLowerCase() === key)?.id ?? String(++next);
    const options = c.options?.map((o, i) => ({
      id: String(o.id ?? i + 1),
      name: o.name,
      ...(o.label !== undefined ? { label: o.label } : {}),
      type: "option" as const,
      order: o.order ?? i,
    }));
    return { id, name: c.name, label: c.label, type: c.type, ...(options ? { options } : {}) };
  });
}

export function definitionFrom(input: TableInput, base: TableDefinition | undefined, now: number): TableDefinition {
  return {
    label: input.label,
    columns: input.columns ? columnsFrom(input.columns, base?.columns ?? []) : (base?.columns ?? []),
    allowPublicApiAccess: input.allowPublicApiAccess ?? base?.allowPublicApiAccess ?? false,
    useForPages: input.useForPages ?? base?.useForPages ?? false,
    enableChildTablePages: input.enableChildTablePages ?? base?.enableChildTablePages ?? false,
    allowChildTables: input.allowChildTables ?? base?.allowChildTables ?? false,
    dynamicMetaTags: input.dynamicMetaTags ?? base?.dynamicMetaTags ?? {},
    updatedAt: now,
  };
}

export const parseTableInput = (body: unknown) => parseBody(tableInput, body, "HubDbTableV3Request");

function stored(r: Selectable<HubdbTablesTable>): StoredTable {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    name: r.name,
    draft: JSON.parse(r.draft) as TableDefinition,
    published: r.published === null ? null : (JSON.parse(r.published) as TableDefinition),
    publishedAt: r.published_at === null ? null : Number(r.published_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** The account's live tables, oldest first. */
export async function listTables(db: Db, accountId: number): Promise<StoredTable[]> {
  const rows = await db
    .selectFrom("hubdb_tables")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("archived", "=", 0)
    .orderBy("id")
    .execute();
  return rows.map(stored);
}

/** A live table by its id or name (HubSpot's `tableIdOrName`). */
export async function findTable(db: Db, accountId: number, idOrName: string): Promise<StoredTable> {
  let q = db.selectFrom("hubdb_tables").selectAll().where("account_id", "=", accountId).where("archived", "=", 0);
  q = /^\d+$/.test(idOrName) ? q.where("id", "=", Number(idOrName)) : q.where("name", "=", idOrName);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(`The table ${idOrName} does not exist.`);
  return stored(row);
}

export async function nameTaken(db: Db, accountId: number, name: string, except?: number): Promise<void> {
  let q = db.selectFrom("hubdb_tables").select("id").where("account_id", "=", accountId).where("archived", "=", 0).where("name", "=", name);
  if (except !== undefined) q = q.where("id", "!=", except);
  if (await q.executeTakeFirst()) throw conflict(`A table named ${name} already exists.`);
}

/** The published side of a table, or HubSpot's 404 for one that is not published. */
export function publishedOf(t: StoredTable): TableDefinition {
  if (!t.published) throw new DomainError("not_found", `The table ${t.name} is not published: read its draft (…/draft) or publish it.`);
  return t.published;
}
