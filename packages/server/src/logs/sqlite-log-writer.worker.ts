// The log sink's SQLite writer thread (see sqlite-log-writer.ts): it runs each batch of INSERTs in one transaction.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { prepareSqliteConnection } from "../store/sqlite-connection";
import { withStatementCache } from "../store/statement-cache";
import type { WriteReply, WriteRequest } from "./log-writer-thread";

export interface WriterData {
  file: string;
  busyTimeoutMs: number;
}

const { file, busyTimeoutMs } = workerData as WriterData;

function open(): SQLite.Database {
  const db = new SQLite(file);
  prepareSqliteConnection(db, file, busyTimeoutMs);
  return db;
}

let db: SQLite.Database | undefined;
/** Why the store could not be opened: every write is answered with it. */
let openError = "";
try {
  db = open();
} catch (e) {
  openError = `cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`;
}

const statements = db && withStatementCache(db);
/** Each statement's first column of every row (the ids an INSERT ... RETURNING id gives back), all in one transaction. */
const run = db?.transaction((batch: NonNullable<WriteRequest["batch"]>) =>
  batch.map(({ sql, parameters }) => (statements!.prepareRaw(sql).all(parameters) as number[][]).map((row) => row[0]!)),
);

const port = parentPort as MessagePort;
const reply = (message: WriteReply) => port.postMessage(message);
port.on("message", (message: WriteRequest) => {
  if (!message.batch) {
    db?.close();
    reply({ id: message.id, closed: true });
    return;
  }
  if (!run) {
    reply({ id: message.id, error: openError });
    return;
  }
  try {
    reply({ id: message.id, ids: run(message.batch) });
  } catch (e) {
    reply({ id: message.id, error: e instanceof Error ? e.message : String(e) });
  }
});
