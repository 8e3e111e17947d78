import type pg from "pg";

const pools = new WeakMap<object, pg.Pool>();

/** Ties a PostgreSQL store's Kysely instance to its pool, for `readPoint`. */
export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** A read of the rows whose key columns equal given values, which `readPoint` batches per turn of the event loop. */
export interface PointRead {
  /** Names the two statements (`<name>`, `<name>_batch`); one spec per name. */
  name: string;
  table: string;
  columns: readonly string[];
  /** The key columns in the order of a read's values, with their PostgreSQL types. */
  keys: ReadonlyArray<readonly [column: string, type: string]>;
}

interface Waiting {
  values: readonly unknown[];
  resolve(rows: unknown[][]): void;
  reject(error: unknown): void;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The point reads of one spec made in one turn, sent as one statement at the turn's end (issue #24: a CRM get on
 * PostgreSQL). Under load a node reads several records per turn; one at a time, each paid a round trip, pg's per-query
 * work (config, parse, result) and PostgreSQL's per-statement work, which cost more than the index lookups. Batched,
 * the turn's keys go as one array per key column, unnested WITH ORDINALITY and joined to the table, and each row comes
 * back tagged with the read it answers. A turn with one read sends the plain named statement. A read sees what had
 * committed when its statement ran, as it did when it was sent alone, a few microseconds earlier.
 */
class PointReads {
  private waiting: Waiting[] = [];
  private readonly one: string;
  private readonly many: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly spec: PointRead,
  ) {
    const columns = spec.columns.map((c) => `t.${quote(c)}`).join(", ");
    const table = quote(spec.table);
    this.one = `select ${columns} from ${table} t where ${spec.keys.map(([c], i) => `t.${quote(c)} = $${i + 1}`).join(" and ")}`;
    this.many =
      `select k.n, ${columns} from unnest(${spec.keys.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")}) ` +
      `with ordinality as k(${spec.keys.map(([c]) => quote(c)).join(", ")}, n) join ${table} t on ` +
      spec.keys.map(([c]) => `t.${quote(c)} = k.${quote(c)}`).join(" and ");
  }

  read(values: readonly unknown[]): Promise<unknown[][]> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ values, resolve, reject }) === 1) setImmediate(() => this.send());
    });
  }

  private send(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 1) {
      const [w] = batch as [Waiting];
      this.pool.query<unknown[]>({ name: this.spec.name, text: this.one, values: w.values as unknown[], rowMode: "array" }).then(
        (r) => w.resolve(r.rows),
        (e: unknown) => w.reject(e),
      );
      return;
    }
    const values = this.spec.keys.map((_, k) => batch.map((w) => w.values[k]));
    this.pool.query<unknown[]>({ name: `${this.spec.name}_batch`, text: this.many, values, rowMode: "array" }).then(
      (r) => {
        const answers = batch.map((): unknown[][] => []);
        // n counts the reads from 1, in the order they came.
        for (const row of r.rows) answers[(row[0] as number) - 1]!.push(row.slice(1));
        batch.forEach((w, i) => w.resolve(answers[i]!));
      },
      (e: unknown) => batch.forEach((w) => w.reject(e)),
    );
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
