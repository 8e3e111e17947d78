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
        queryAhead(this.pool, { name: this.spec.name, text: this.one, values: keys as unknown[] }).then(
          (r) => waiting.forEach((w) => w.resolve(r.rows)),
          (e: unknown) => waiting.forEach((w) => w.reject(e)),
        );
        continue;
      }
      const values = [...keys.slice(0, -1), reads.map((waiting) => waiting[0]!.values[keys.length - 1])];
      queryAhead(this.pool, { name: `${this.spec.name}_any`, text: this.many, values }).then(
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
  const read = queryAhead(pool, { name, text, values: values as unknown[] }, () => waiting.delete(key)).then((r) => r.rows);
  waiting.set(key, read);
  return read;
}

/** What a pool's queue looks like inside pg-pool (3.x): waiting `connect` calls in order, served from the front. */
interface PoolInternals {
  _pendingQueue?: unknown;
  options?: { max?: number };
}

/** Per pool: the uses that asked to go ahead and have not given their connection back, and their items in its queue. */
const ahead = new WeakMap<pg.Pool, { uses: number; queued: WeakSet<object> }>();

/**
 * A named statement's rows (arrays) on a connection taken ahead of the pool's queue (issue #24 item 5), for the
 * one-statement reads that many requests share (`readPoint`, `readShared`). Under load the queue is kept full by the
 * uses that each serve one request and hold their connection longest (a create, a search's statements, a transaction),
 * and a read, which holds its connection for one short statement and answers every request that joined it, waited a
 * whole pass of that queue. Serving it first is shortest-first: a queued write waits one short statement more, the
 * reads it passes wait a pass less. So that writes keep their share, at most half the pool's connections (at least
 * one) go to uses that went ahead; past that a use queues in turn. Uses that went ahead are served among themselves in
 * the order they asked. pg-pool has no priority of its own, so the item its `connect` has just queued (the queue's
 * last) is moved; should its queue ever look different, every use queues in turn, as before. `taken` runs once a
 * connection is had (or the take failed), before the statement is sent.
 */
async function queryAhead(pool: pg.Pool, config: { name: string; text: string; values: unknown[] }, taken?: () => void) {
  let state = ahead.get(pool);
  if (!state) ahead.set(pool, (state = { uses: 0, queued: new WeakSet() }));
  const { _pendingQueue: queue, options } = pool as unknown as PoolInternals;
  const before = Array.isArray(queue) ? queue.length : -1;
  const connecting = pool.connect();
  state.uses++;
  const bound = Math.max(1, Math.floor((options?.max ?? 10) / 2));
  if (Array.isArray(queue) && queue.length === before + 1 && state.uses <= bound) {
    const item = queue.pop() as object;
    let at = 0;
    while (at < queue.length && state.queued.has(queue[at] as object)) at++;
    queue.splice(at, 0, item);
    state.queued.add(item);
  }
  try {
    let client: pg.PoolClient;
    try {
      client = await connecting;
    } finally {
      taken?.();
    }
    try {
      const result = await client.query<unknown[]>({ ...config, rowMode: "array" });
      client.release();
      return result;
    } catch (error) {
      // As pg's Pool.query does: a connection whose query failed is not handed out again.
      client.release(error as Error);
      throw error;
    }
  } finally {
    state.uses--;
  }
}
