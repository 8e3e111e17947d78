// The log sink's PostgreSQL writer thread (see pg-log-writer.ts): each flush's statements on its own connection, in one
// transaction when there are several, as named statements.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import type { WriteReply, WriteRequest } from "./log-writer-thread";

export interface WriterData {
  url: string;
}

const { url } = workerData as WriterData;

/**
 * The sink's INSERTs are few texts (one per table and row count) sent again and again: named, PostgreSQL parses and
 * plans each once per connection, where an unnamed 50-row INSERT (850 parameters) was parsed and planned on every
 * flush, a fifth of its server time. Retention's DELETEs differ by their bounds only in parameters too.
 */
const MAX_NAMED = 500;
const names = new Map<string, string>();
const nameOf = (sql: string) => {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) names.set(sql, (name = `sprocket_log_${names.size}`));
  return name;
};

let client: pg.Client | undefined;
let connecting: Promise<pg.Client> | undefined;

/** The thread's connection, opened on first use and again after it failed. */
function connection(): Promise<pg.Client> {
  if (client) return Promise.resolve(client);
  connecting ??= (async () => {
    const c = new pg.Client({ connectionString: url, application_name: "sprocket log writer" });
    // A connection the server ends is dropped here (an unheard error would end the thread); the next flush reconnects.
    c.on("error", () => drop(c));
    try {
      await c.connect();
    } catch (e) {
      void c.end().catch(() => undefined);
      throw e;
    }
    client = c;
    return c;
  })().finally(() => (connecting = undefined));
  return connecting;
}

function drop(c: pg.Client): void {
  if (client === c) client = undefined;
  void c.end().catch(() => undefined);
}

async function run(batch: NonNullable<WriteRequest["batch"]>): Promise<number[][]> {
  const c = await connection();
  const one = async ({ sql, parameters }: (typeof batch)[number]) => {
    const name = nameOf(sql);
    const result = await c.query<unknown[]>({ ...(name ? { name } : {}), text: sql, values: parameters as unknown[], rowMode: "array" });
    // The first column is an id or a time: bigint, which pg hands over as text.
    return result.rows.map((row) => Number(row[0]));
  };
  try {
    // One statement is atomic alone: BEGIN and COMMIT would be two more round trips.
    if (batch.length === 1) return [await one(batch[0]!)];
    await c.query("BEGIN");
    try {
      const ids: number[][] = [];
      for (const statement of batch) ids.push(await one(statement));
      await c.query("COMMIT");
      return ids;
    } catch (e) {
      await c.query("ROLLBACK");
      throw e;
    }
  } catch (e) {
    // Whatever state the connection is in (a broken socket, a failed ROLLBACK), the next flush starts on a new one.
    if (!(e instanceof pg.DatabaseError)) drop(c);
    throw e;
  }
}

/** Flushes come one at a time from the sink; the chain keeps them in order all the same. */
let chain: Promise<unknown> = Promise.resolve();
const port = parentPort as MessagePort;
const reply = (message: WriteReply) => port.postMessage(message);
port.on("message", (message: WriteRequest) => {
  chain = chain.then(async () => {
    if (!message.batch) {
      if (client) await client.end().catch(() => undefined);
      client = undefined;
      reply({ id: message.id, closed: true });
      return;
    }
    try {
      reply({ id: message.id, ids: await run(message.batch) });
    } catch (e) {
      reply({ id: message.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
});
