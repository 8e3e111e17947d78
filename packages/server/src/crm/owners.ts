import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { invalid, notFound } from "../errors/domain-error";

type Db = Kysely<Database>;
type OwnerRow = Database["crm_owners"] & { id: number };

export interface NewOwner {
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  type?: "PERSON" | "QUEUE";
  teams?: Array<{ id: string; name: string; primary: boolean }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** HubSpot's PublicOwner. */
export function ownerView(r: OwnerRow): Record<string, unknown> {
  return {
    id: String(r.id),
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    userId: Number(r.user_id),
    userIdIncludingInactive: Number(r.user_id),
    type: r.type,
    teams: JSON.parse(r.teams) as unknown[],
    createdAt: iso(Number(r.created_at)),
    updatedAt: iso(Number(r.updated_at)),
    archived: r.archived === 1,
  };
}

export async function createOwners(db: Db, accountId: number, owners: readonly NewOwner[], now: number): Promise<number[]> {
  if (owners.length === 0) return [];
  const rows = owners.map((o) => ({
    account_id: accountId,
    email: o.email,
    first_name: o.firstName,
    last_name: o.lastName,
    user_id: o.userId,
    type: o.type ?? "PERSON",
    teams: JSON.stringify(o.teams ?? []),
    archived: 0,
    created_at: now,
    updated_at: now,
  }));
  const ids = await db.insertInto("crm_owners").values(rows).returning("id").execute();
  return ids.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export async function pageOwners(
  db: Db,
  accountId: number,
  opts: { email?: string; afterId: number; limit: number; archived: boolean },
): Promise<OwnerRow[]> {
  let q = db
    .selectFrom("crm_owners")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("archived", "=", opts.archived ? 1 : 0)
    .where("id", ">", opts.afterId);
  if (opts.email) q = q.where("email", "=", opts.email.toLowerCase());
  return (await q.orderBy("id").limit(opts.limit).execute()) as OwnerRow[];
}

/** By owner id, or by the user id behind it (`idProperty=userId`). */
export async function getOwner(
  db: Db,
  accountId: number,
  rawId: string,
  idProperty: string | undefined,
  archived: boolean,
): Promise<OwnerRow> {
  const by = idProperty ?? "id";
  if (by !== "id" && by !== "userId")
    throw invalid(`idProperty must be id or userId (got ${JSON.stringify(by)}).`, [{ message: "Invalid idProperty", in: "idProperty" }]);
  const missing = notFound(`Owner ${rawId} does not exist.`);
  if (!/^\d{1,15}$/.test(rawId)) throw missing;
  const row = await db
    .selectFrom("crm_owners")
    .selectAll()
    .where("account_id", "=", accountId)
    .where(by === "id" ? "id" : "user_id", "=", Number(rawId))
    .where("archived", "=", archived ? 1 : 0)
    .executeTakeFirst();
  if (!row) throw missing;
  return row as OwnerRow;
}
