import pg from "pg";
import type { ObjectType } from "./object-types";
import type { PropertyDef } from "./property-definitions";
import { indexValue } from "./property-values";
import { uniqueConflict, uniqueLockKeys, type StoredObject, type UniqueClaims, type WriteSource } from "./object-store";

/**
 * Records created on PostgreSQL as one message, one round trip (issue #24 item 5): in the 200-client mix a create
 * was seven statements (BEGIN, the unique values' advisory locks, the read of their holders, the record, its index
 * rows, its history, COMMIT), one turn of the node's event loop each, holding its pool connection throughout, and the
 * CRM reads queued behind those connections. Here the same work is at most two statements sent as one simple-protocol
 * query, which PostgreSQL runs as one implicit transaction (committed at its end, rolled back whole if a statement
 * fails): the locks, then one statement that reads the holders and, when there are none, inserts the records, their
 * index rows and their history through data-modifying CTEs. The holders are read by the second statement, which under
 * READ COMMITTED takes its snapshot after the first has taken the locks, so it sees whatever a writer that held them
 * committed, as the separate read did. The simple protocol takes no parameters, so values are sent as quoted literals
 * (pg's own `escapeLiteral`, each cast to its column's type, as a parameter's text would be); a value holding a NUL,
 * which a literal cannot carry, takes the transaction path instead (`createRecords`), as does anything but numbers
 * that are safe integers where the statement wants bigints.
 */

const literal = (v: string): string => {
  if (v.includes("\u0000")) throw new NotLiteral();
  return pg.escapeLiteral(v);
};
const text = (v: string | null): string => (v === null ? "null::text" : `${literal(v)}::text`);
const bigint = (v: number): string => {
  if (!Number.isSafeInteger(v)) throw new NotLiteral();
  return `${v}::bigint`;
};
// As pg sends a number parameter: its String() (NaN and Infinity included), typed by the column.
const double = (v: number | null): string => (v === null ? "null::double precision" : `'${String(v)}'::double precision`);

class NotLiteral extends Error {}

export type PgCreateResult = { created: StoredObject[] } | { conflict: Error };

/**
 * Creates records (values validated, unique claims worked out by `uniqueClaims`) in one round trip; `undefined` when
 * they cannot be sent as literals, and the caller takes the transaction path. A unique value another live record holds
 * is a `conflict` (HubSpot's 409, for the first such property in `claims`' order) and nothing is written.
 */
export async function pgCreate(
  pool: pg.Pool,
  accountId: number,
  t: ObjectType,
  defs: Map<string, PropertyDef>,
  inputs: ReadonlyArray<{ values: Record<string, string | null> }>,
  claims: UniqueClaims,
  now: number,
  source: WriteSource,
): Promise<PgCreateResult | undefined> {
  let query: string;
  // Built as insertObjects builds them: the JSON without nulls, and the stored properties read back from it.
  const rows = inputs.map((input) => {
    const kept = Object.fromEntries(Object.entries(input.values).filter((e): e is [string, string] => e[1] !== null));
    const properties = JSON.stringify(kept);
    return { properties, values: JSON.parse(properties) as Record<string, string> };
  });
  try {
    const account = bigint(accountId);
    const type = text(t.id);
    const at = bigint(now);
    const statements: string[] = [];
    const keys = claims.flatMap(({ name, seen }) => uniqueLockKeys(accountId, t, name, [...seen.keys()]));
    if (keys.length > 0)
      statements.push(
        `select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(array[${keys.map(literal).join(", ")}]::text[]) with ordinality as u(k, n) order by n`,
      );
    const ctes: string[] = [];
    if (claims.length > 0) {
      const held = claims.map(({ name, seen }) => `(name = ${text(name)} and value_text in (${[...seen.keys()].map(text).join(", ")}))`);
      ctes.push(
        `holders as (select name, value_text, object_id from crm_property_values where account_id = ${account} and object_type_id = ${type} and (${held.join(" or ")}))`,
      );
    }
    ctes.push(`input (pos, properties) as (values ${rows.map((r, i) => `(${i + 1}, ${text(r.properties)})`).join(", ")})`);
    ctes.push(
      `ins as (insert into crm_objects (account_id, object_type_id, archived, created_at, updated_at, archived_at, properties) ` +
        `select ${account}, ${type}, 0, ${at}, ${at}, null, properties from input` +
        (claims.length > 0 ? ` where not exists (select from holders)` : "") +
        ` order by pos returning id)`,
    );
    // A multi-row insert draws its ids in the order of its rows, so sorted ids line up with the inputs.
    ctes.push(`made as (select id, row_number() over (order by id) as pos from ins)`);
    const index: string[] = [];
    const history: string[] = [];
    rows.forEach((r, i) => {
      for (const [name, value] of Object.entries(r.values)) {
        const { value_text, value_num } = indexValue(defs.get(name), value);
        index.push(`(${i + 1}, ${text(name)}, ${text(value_text)}, ${double(value_num)})`);
        history.push(`(${history.length + 1}, ${i + 1}, ${text(name)}, ${text(value)})`);
      }
    });
    if (index.length > 0) {
      ctes.push(
        `vals as (insert into crm_property_values (object_id, name, account_id, object_type_id, value_text, value_num) ` +
          `select made.id, v.name, ${account}, ${type}, v.value_text, v.value_num from (values ${index.join(", ")}) as v (pos, name, value_text, value_num) join made on made.pos = v.pos)`,
      );
      ctes.push(
        `hist as (insert into crm_property_history (account_id, object_id, name, value, "timestamp", source_type, source_id) ` +
          `select ${account}, made.id, h.name, h.value, ${at}, ${text(source.sourceType)}, ${text(source.sourceId)} ` +
          `from (values ${history.join(", ")}) as h (k, pos, name, value) join made on made.pos = h.pos order by h.k)`,
      );
    }
    const holders = claims.length > 0 ? `select name, value_text, object_id as id from holders union all ` : "";
    statements.push(`with ${ctes.join(", ")} ${holders}select null::text as name, null::text as value_text, id from made`);
    query = statements.join("; ");
  } catch (e) {
    if (e instanceof NotLiteral) return undefined;
    throw e;
  }
  const results = (await pool.query(query)) as unknown as pg.QueryResult | pg.QueryResult[];
  const last = Array.isArray(results) ? results[results.length - 1]! : results;
  const found = last.rows as Array<{ name: string | null; value_text: string | null; id: number }>;
  for (const { name } of claims) {
    const holder = found.find((r) => r.name === name);
    if (holder) return { conflict: uniqueConflict(t, name, Number(holder.id)) };
  }
  const ids = found.map((r) => Number(r.id)).sort((a, b) => a - b);
  return {
    created: rows.map((r, i) => ({
      id: ids[i]!,
      typeId: t.id,
      archived: false,
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
      properties: r.values,
    })),
  };
}
