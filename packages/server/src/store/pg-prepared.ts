import type pg from "pg";

const pools = new WeakMap<object, pg.Pool>();
const writePools = new WeakMap<object, pg.Pool>();

/**
 * Ties a PostgreSQL store's Kysely instance to its pools: `pool` for `readPoint`, `writes` (the pool its transactions
 * take connections from) for `writePool`.
 */
export function registerPool(db: object, pool: pg.Pool, writes: pg.Pool = pool): void {
  pools.set(db, pool);
  writePools.set(db, writes);
}

/** The pool a PostgreSQL store's transactions use, for writes sent as one message (crm/pg-create.ts); else undefined. */
export function writePool(db: object): pg.Pool | undefined {
  return writePools.get(db);
}

/** A read of the rows whose key columns equal given values, which `readPoint` batches per turn of the event loop. */
export interface PointRead {
  /** Names the two statements (`<name>`, `<name>_any`); one spec per name. */
  name: string;
  table: string;
  /** The columns read; they include the last key column, by which a batch's rows are matched to their reads. */
  columns: readonly string[];
  /** The key columns in the order of a read's values, with their PostgreSQL types; a batch lists the last one's values. */
  keys: ReadonlyArray<readonly [column: string, type: string]>;
}

interface Waiting {
  values: readonly unknown[];
  resolve(rows: unknown[][]): void;
  reject(error: unknown): void;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The point reads of one spec made in one turn, sent at the turn's end (issue #24: a CRM get on PostgreSQL). Under
 * load a node reads several records per turn; one at a time, each paid a round trip, pg's per-query work (config,
 * parse, result) and PostgreSQL's per-statement work, which cost more than the index lookups. The reads whose keys
 * agree but for the last (a CRM get's account, object type and archived switch) are one statement,
 * `last = any($n)` over their distinct last values (the record ids), and each row goes to the reads of its value; a
 * group with one value sends the plain named statement. Every key stays in the statement's `where`, as when each read
 * went alone, and a group's statement failing fails that group's reads only. A read sees what had committed when its
 * statement ran, as it did when it was sent alone, a few microseconds earlier. (A turn's reads of every group as one
 * statement, each key an array unnested and joined to the table, cost PostgreSQL a hash join over the whole of a small
 * table, and pg four arrays to build: docs/decisions.md, Store.)
 */
class PointReads {
  /** This turn's reads, by their keys but the last, then by the last key's value. */
  private groups = new Map<string, Map<string, Waiting[]>>();
  private readonly one: string;
  private readonly many: string;
  /** Where a row holds the last key's value. */
  private readonly lastColumn: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly spec: PointRead,
  ) {
    const columns = spec.columns.map((c) => `t.${quote(c)}`).join(", ");
    const where = spec.keys.slice(0, -1).map(([c], i) => `t.${quote(c)} = $${i + 1} and `);
    const [last, type] = spec.keys[spec.keys.length - 1]!;
    const from = `select ${columns} from ${quote(spec.table)} t where ${where.join("")}t.${quote(last)}`;
    this.one = `${from} = $${spec.keys.length}`;
    this.many = `${from} = any($${spec.keys.length}::${type}[])`;
    this.lastColumn = spec.columns.indexOf(last);
    if (this.lastColumn < 0) throw new Error(`${spec.name}: the columns must include the last key, ${last}`);
  }

  read(values: readonly unknown[]): Promise<unknown[][]> {
    return new Promise((resolve, reject) => {
      if (this.groups.size === 0) setImmediate(() => this.send());
      const last = values.length - 1;
      // A key's values are numbers and text, which never hold a NUL (PostgreSQL's text cannot).
      let group = "";
      for (let i = 0; i < last; i++) group += `${String(values[i])}\0`;
      let byValue = this.groups.get(group);
      if (!byValue) this.groups.set(group, (byValue = new Map()));
      const value = String(values[last]);
      const waiting = byValue.get(value);
      if (waiting) waiting.push({ values, resolve, reject });
      else byValue.set(value, [{ values, resolve, reject }]);
    });
  }

  private send(): void {
    const groups = this.groups;
    this.groups = new Map();
    for (const byValue of groups.values()) {
      const reads = [...byValue.values()];
      const keys = reads[0]![0]!.values;
      if (reads.length === 1) {
        const [waiting] = reads as [Waiting[]];
        this.pool.query<unknown[]>({ name: this.spec.name, text: this.one, values: keys as unknown[], rowMode: "array" }).then(
          (r) => waiting.forEach((w) => w.resolve(r.rows)),
          (e: unknown) => waiting.forEach((w) => w.reject(e)),
        );
        continue;
      }
      const values = [...keys.slice(0, -1), reads.map((waiting) => waiting[0]!.values[keys.length - 1])];
      this.pool.query<unknown[]>({ name: `${this.spec.name}_any`, text: this.many, values, rowMode: "array" }).then(
        (r) => {
          const rows = new Map<string, unknown[][]>();
          for (const row of r.rows) {
            const value = String(row[this.lastColumn]);
            const found = rows.get(value);
            if (found) found.push(row);
            else rows.set(value, [row]);
          }
          for (const [value, waiting] of byValue) {
            const found = rows.get(value) ?? [];
            waiting.forEach((w) => w.resolve(found));
          }
        },
        (e: unknown) => reads.forEach((waiting) => waiting.forEach((w) => w.reject(e))),
      );
    }
  }
}

const pointReads = new WeakMap<pg.Pool, Map<string, PointReads>>();

/**
 * The rows (arrays, columns in the spec's order) whose keys equal `values`, read with the turn's other reads of the
 * same spec, when `db` is a PostgreSQL store outside a transaction; otherwise undefined, and the caller goes through
 * Kysely (a transaction's reads must run on its connection, in its order).
 */
export function readPoint(db: object, spec: PointRead, values: readonly unknown[]): Promise<unknown[][]> | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  let specs = pointReads.get(pool);
  if (!specs) pointReads.set(pool, (specs = new Map()));
  let reads = specs.get(spec.name);
  if (!reads) specs.set(spec.name, (reads = new PointReads(pool, spec)));
  return reads.read(values);
}

/** The reads waiting for a connection, by statement and values, per pool (`readShared`). */
const queued = new WeakMap<pg.Pool, Map<string, Promise<unknown[][]>>>();

/**
 * The rows (arrays) of the named statement `text` with `values`, when `db` is a PostgreSQL store outside a transaction
 * (else undefined, and the caller goes through Kysely). A read asked for while the same statement with the same values
 * is still waiting for a pool connection joins it instead of queueing a use of its own (issue #24 item 5: under load a
 * read spent most of its time in the pool's queue, and a node serving many clients of one list asked the same page
 * many times in that wait). The statement is sent once it has its connection, after every read that joined it was
 * asked for, so each sees what had committed when it was asked, as when it went alone; once sent, nothing joins it.
 * The rows are shared: callers must not change them.
 */
export function readShared(db: object, name: string, text: string, values: readonly unknown[]): Promise<unknown[][]> | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  let waiting = queued.get(pool);
  if (!waiting) queued.set(pool, (waiting = new Map()));
  // Values are numbers and text, which never hold a NUL (PostgreSQL's text cannot).
  const key = `${name}\0${values.map(String).join("\0")}`;
  const joined = waiting.get(key);
  if (joined) return joined;
  const read = (async () => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } finally {
      waiting.delete(key);
    }
    try {
      const result = await client.query<unknown[]>({ name, text, values: values as unknown[], rowMode: "array" });
      client.release();
      return result.rows;
    } catch (error) {
      // As pg's Pool.query does: a connection whose query failed is not handed out again.
      client.release(error as Error);
      throw error;
    }
  })();
  waiting.set(key, read);
  return read;
}
