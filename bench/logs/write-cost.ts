/**
 * What the path index (migration 019) costs the log writer: API-call rows per second through the sink's real writer
 * (the writer thread and its own connection, on either engine) with the index in place against the
 * index removed, in alternating rounds on one store so that the machine's drift hits both alike. Rows as the recorder
 * writes them, paths with record ids, 500 rows a flush.
 */
import type { Insertable, Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../packages/server/src/store/schema";
import type { Engine } from "../../packages/server/src/store/database";
import { LogSink, type SinkWriter } from "../../packages/server/src/logs/log-sink";
import { PgLogWriter } from "../../packages/server/src/logs/pg-log-writer";
import { SqliteLogWriter } from "../../packages/server/src/logs/sqlite-log-writer";
import type { ApiCallsTable } from "../../packages/server/src/logs/tables";
import { newSpanId, newTraceId } from "../../packages/server/src/logs/trace-context";

const ROUND_ROWS = 20_000;
const ROUNDS = 6;
const PREFILL = 100_000;

export interface WriteCost {
  /** Median of each round pair's rows/s with the index over rows/s without. */
  ratio: number;
  withIndex: number[];
  without: number[];
}

/** `databaseUrl`: the PostgreSQL store's, for the writer thread's own connection. */
export async function measureWriteCost(
  store: { db: Kysely<Database>; engine: Engine; file?: string | undefined },
  databaseUrl?: string,
): Promise<WriteCost> {
  const writer: SinkWriter = store.engine === "sqlite" ? new SqliteLogWriter(store.file!) : new PgLogWriter(databaseUrl!);
  const sink = new LogSink(
    store.db,
    writer,
    () => {},
    (e) => {
      throw e;
    },
    { flushMs: 3_600_000, maxBatch: 500, maxPending: Number.MAX_SAFE_INTEGER },
  );
  const write = async (n: number) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) sink.add("api_calls", row());
    await sink.flush();
    return n / ((performance.now() - started) / 1000);
  };
  const index = await pathIndex(store.db, store.engine);
  try {
    await write(PREFILL);
    const rates = { withIndex: [] as number[], without: [] as number[] };
    const pairs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (["without", "withIndex"] as const) : (["withIndex", "without"] as const);
      const pair: Record<string, number> = {};
      for (const name of order) {
        if (name === "without") await index.drop();
        const rate = await write(ROUND_ROWS);
        if (name === "without") await index.restore();
        pair[name] = rate;
        rates[name].push(Math.round(rate));
      }
      pairs.push(pair.withIndex! / pair.without!);
    }
    return { ratio: [...pairs].sort((a, b) => a - b)[Math.floor(pairs.length / 2)]!, ...rates };
  } finally {
    await sink.close();
  }
}

let n = 0;
function row(): Insertable<ApiCallsTable> {
  n++;
  return {
    account_id: 1_000_000 + (n % 200),
    app_id: 1_000_000 + (n % 1000),
    token_id: 1,
    method: "GET",
    path: `/crm/v3/objects/contacts/${(n * 7919) % 10_000_000}`,
    query: "limit=10",
    status: 200,
    duration_ms: 12,
    user_agent: "@hubspot/api-client",
    address: "10.0.0.7",
    trace_id: newTraceId(),
    span_id: newSpanId(),
    created_at: Date.now(),
  };
}

/**
 * Takes the path index away and puts it back as the migration made it: SQLite's triggers (the FTS table stays; rows
 * written meanwhile are missing from it, which a throwaway store does not mind), PostgreSQL's GIN index (rebuilt).
 */
async function pathIndex(db: Kysely<Database>, engine: Engine) {
  const { rows } =
    engine === "sqlite"
      ? await sql<{ name: string; definition: string }>`
          select name, sql as definition from sqlite_master where type = 'trigger' and name like 'api_calls_path_%'`.execute(db)
      : await sql<{ name: string; definition: string }>`
          select indexname as name, indexdef as definition from pg_indexes where indexname = 'api_calls_path_trgm'`.execute(db);
  if (rows.length === 0) throw new Error("no path index to measure: is pg_trgm available?");
  const kind = engine === "sqlite" ? "trigger" : "index";
  return {
    drop: async () => {
      for (const { name } of rows) await sql.raw(`drop ${kind} ${name}`).execute(db);
    },
    restore: async () => {
      for (const { definition } of rows) await sql.raw(definition).execute(db);
    },
  };
}
