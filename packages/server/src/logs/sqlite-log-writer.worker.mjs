// @ts-check
// The log sink's SQLite writer thread (see sqlite-log-writer.ts). Plain JavaScript: a worker thread does not inherit
// the tsx loader the server runs under, and this file needs nothing but better-sqlite3.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";

/** @returns {import("better-sqlite3").Database} */
function open() {
  const db = new SQLite(workerData.file);
  for (const pragma of /** @type {string[]} */ (workerData.pragmas)) db.pragma(pragma);
  return db;
}

/** @type {import("better-sqlite3").Database | undefined} */
let db;
/** Why the store could not be opened: every write is answered with it. */
let openError = "";
try {
  db = open();
} catch (e) {
  openError = `cannot open ${workerData.file}: ${e instanceof Error ? e.message : String(e)}`;
}

/** @type {Map<string, import("better-sqlite3").Statement>} */
const statements = new Map();
/** @param {string} sql */
function statement(sql) {
  let s = statements.get(sql);
  if (!s) {
    s = /** @type {import("better-sqlite3").Database} */ (db).prepare(sql).raw(true);
    statements.set(sql, s);
  }
  return s;
}

/** Each statement's first column of every row (the ids an INSERT ... RETURNING id gives back), all in one transaction. */
const run = db?.transaction(
  /** @param {Array<{ sql: string; parameters: unknown[] }>} batch */
  (batch) => batch.map(({ sql, parameters }) => statement(sql).all(parameters).map((row) => /** @type {unknown[]} */ (row)[0])),
);

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
port.on("message", (/** @type {{ id: number; batch?: Array<{ sql: string; parameters: unknown[] }> }} */ message) => {
  if (!message.batch) {
    db?.close();
    port.postMessage({ id: message.id, closed: true });
    return;
  }
  if (!run) {
    port.postMessage({ id: message.id, error: openError });
    return;
  }
  try {
    port.postMessage({ id: message.id, ids: run(message.batch) });
  } catch (e) {
    port.postMessage({ id: message.id, error: e instanceof Error ? e.message : String(e) });
  }
});
