/**
 * What the API-call log costs the request thread per row (issue #24 item 0, session 13), and what handing each
 * flush's rows to the writer thread as bytes instead of a structured clone would save. Three sides in one process, in
 * alternating rounds:
 *  - none: the row is built as the recorder builds it (trace and span ids included) and dropped;
 *  - sink: the same row through `LogSink` as it is, each flush posted to a thread exactly as `LogWriterThread` posts
 *    it (the statements' parameter arrays, structured-cloned), the thread answering ids;
 *  - bytes: the same row written at `add` into an ArrayBuffer (a tag per value, numbers as int32 or float64, strings
 *    by a JavaScript loop while ASCII and `TextEncoder.encodeInto` past that), each flush's bytes transferred to the
 *    thread, which decodes them into the same parameter arrays and answers ids: the prototype, not in the server.
 * CPU of the main thread per row, from `/proc/thread-self/schedstat` (updated on the scheduler's tick on this kernel,
 * so a round must run for a tenth of a second or more). `LOG_GARBAGE` objects allocated per row stand for a get's own
 * allocation (about 20 KB: 300 two-field objects come close), so that the young generation is collected as often as
 * in the server and the sink's rows, kept until their write comes back, are promoted as they are there.
 *
 *   npx tsx --conditions=sprocket-source bench/logs/flush-cost.ts   (LOG_ROUNDS=15 LOG_ROWS=30000 LOG_GARBAGE=300)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { CompiledQuery } from "kysely";
import { openSqlite } from "../../packages/server/src/store/database";
import { LogSink, type SinkWriter } from "../../packages/server/src/logs/log-sink";
import { newSpanId, newTraceId } from "../../packages/server/src/logs/trace-context";

const ROUNDS = Number(process.env.LOG_ROUNDS ?? 15);
const ROWS = Number(process.env.LOG_ROWS ?? 30_000);
const GARBAGE = Number(process.env.LOG_GARBAGE ?? 300);
/** Rows added per event-loop turn, as requests come several to a turn. */
const PER_TURN = 40;
const FLUSH_ROWS = 500;

const COLUMNS = [
  "account_id",
  "app_id",
  "token_id",
  "method",
  "path",
  "query",
  "status",
  "duration_ms",
  "user_agent",
  "address",
  "trace_id",
  "span_id",
  "parent_span_id",
  "request_headers",
  "request_body",
  "response_body",
  "created_at",
] as const;

// The thread: answers each statement's row numbers as ids; bytes are decoded first, as a writer would have to.
const THREAD = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => {
  let ids;
  if (m.batch) ids = m.batch.map((s) => Array.from({ length: s.parameters.length / ${COLUMNS.length} }, (_, i) => i));
  else {
    const b = Buffer.from(m.bytes), dv = new DataView(m.bytes), values = [];
    for (let p = 0; p < b.length; ) {
      const t = b[p++];
      if (t === 0) values.push(null);
      else if (t === 1) { values.push(dv.getInt32(p, true)); p += 4; }
      else if (t === 2) { values.push(dv.getFloat64(p, true)); p += 8; }
      else { const n = dv.getUint32(p, true); p += 4; values.push(t === 3 ? b.latin1Slice(p, p + n) : b.utf8Slice(p, p + n)); p += n; }
    }
    ids = [Array.from({ length: values.length / ${COLUMNS.length} }, (_, i) => i)];
  }
  parentPort.postMessage({ id: m.id, ids });
});`;
const thread = new Worker(THREAD, { eval: true });
const waiting = new Map<number, (ids: number[][]) => void>();
let nextId = 1;
thread.on("message", (reply: { id: number; ids: number[][] }) => {
  waiting.get(reply.id)!(reply.ids);
  waiting.delete(reply.id);
});
const post = (message: object, transfer: ArrayBuffer[] = []) =>
  new Promise<number[][]>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    thread.postMessage({ id, ...message }, transfer);
  });

/** LogWriterThread's message, to this thread. */
const cloningWriter: SinkWriter = {
  write: (statements: readonly CompiledQuery[]) => post({ batch: statements.map(({ sql, parameters }) => ({ sql, parameters })) }),
  close: async () => {},
};

const encoder = new TextEncoder();
class ByteSink {
  private bytes = new ArrayBuffer(1 << 17);
  private u8 = new Uint8Array(this.bytes);
  private view = new DataView(this.bytes);
  private at = 0;
  private count = 0;
  private readonly out: Promise<unknown>[] = [];

  add(row: Record<string, unknown>): void {
    for (const c of COLUMNS) this.put(row[c]);
    if (++this.count >= FLUSH_ROWS) this.flush();
  }

  flush(): Promise<unknown> {
    if (this.count > 0) {
      const bytes = this.bytes.slice(0, this.at);
      this.at = this.count = 0;
      this.out.push(post({ bytes }, [bytes]));
    }
    return Promise.all(this.out);
  }

  private room(n: number): void {
    if (this.at + n <= this.u8.length) return;
    let size = this.u8.length * 2;
    while (size < this.at + n) size *= 2;
    const bytes = new ArrayBuffer(size);
    new Uint8Array(bytes).set(this.u8.subarray(0, this.at));
    [this.bytes, this.u8, this.view] = [bytes, new Uint8Array(bytes), new DataView(bytes)];
  }

  private put(v: unknown): void {
    this.room(9);
    if (v === null || v === undefined) this.u8[this.at++] = 0;
    else if (typeof v === "number") {
      if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
        this.u8[this.at] = 1;
        this.view.setInt32(this.at + 1, v, true);
        this.at += 5;
      } else {
        this.u8[this.at] = 2;
        this.view.setFloat64(this.at + 1, v, true);
        this.at += 9;
      }
    } else if (typeof v === "string") {
      this.room(5 + 3 * v.length);
      const u8 = this.u8;
      const start = this.at;
      let p = start + 5;
      let i = 0;
      for (; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) break;
        u8[p++] = c;
      }
      u8[start] = 3;
      if (i < v.length) {
        u8[start] = 4;
        p += encoder.encodeInto(v.slice(i), u8.subarray(p)).written;
      }
      this.view.setUint32(start + 1, p - start - 5, true);
      this.at = p;
    } else throw new Error(`no encoding for ${typeof v}`);
  }
}

let n = 0;
let kept = 0;
function row() {
  n++;
  if (GARBAGE) {
    const garbage: object[] = [];
    for (let g = 0; g < GARBAGE; g++) garbage.push({ g, s: `v${g}` });
    kept += garbage.length;
  }
  return {
    account_id: 1_000_001,
    app_id: 1_000_002,
    token_id: 3,
    method: "GET",
    path: `/crm/v3/objects/contacts/${(n * 7919) % 10_000_000}`,
    query: "",
    status: 200,
    duration_ms: ((n * 37) % 1000) / 1000,
    user_agent: "autocannon/7.15.0",
    address: "127.0.0.1",
    trace_id: newTraceId(),
    span_id: newSpanId(),
    parent_span_id: null,
    request_headers: null,
    request_body: null,
    response_body: null,
    created_at: Date.now() - 1,
  };
}

const runNs = () => Number(fs.readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-flush-cost-"));
// The sink compiles its INSERTs with the store's Kysely; nothing is written to this store.
const store = openSqlite(path.join(dir, "store.db"));

type Side = "none" | "sink" | "bytes";
async function round(side: Side): Promise<number> {
  const sink =
    side === "sink"
      ? new LogSink(
          store.db,
          cloningWriter,
          () => {},
          (e) => {
            throw e;
          },
          { flushMs: 200, maxBatch: FLUSH_ROWS, maxPending: 1e9 },
        )
      : undefined;
  const bytes = side === "bytes" ? new ByteSink() : undefined;
  const started = runNs();
  for (let i = 0; i < ROWS; i += PER_TURN) {
    for (let j = 0; j < PER_TURN; j++) {
      const r = row();
      if (sink) sink.add("api_calls", r);
      else if (bytes) bytes.add(r);
    }
    await new Promise(setImmediate);
  }
  await (sink ? sink.flush() : bytes?.flush());
  return (runNs() - started) / ROWS;
}

const sides: Side[] = ["none", "sink", "bytes"];
const got: Record<Side, number[]> = { none: [], sink: [], bytes: [] };
for (let r = 0; r < ROUNDS; r++) for (const side of r % 2 ? [...sides].reverse() : sides) got[side].push(await round(side));
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(0);
  return `median ${at(0.5)} ns (quartiles ${at(0.25)}..${at(0.75)})`;
};
const paired = (a: Side, b: Side) => summary(got[a].map((x, i) => x - got[b][i]!));
console.log(
  `${ROUNDS} rounds of ${ROWS} rows, ${GARBAGE} objects of garbage per row, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`main-thread CPU per row, row alone:      ${summary(got.none)}`);
console.log(`the sink as it is, over the row alone:    ${paired("sink", "none")}`);
console.log(`bytes transferred, over the row alone:    ${paired("bytes", "none")}`);
console.log(`the sink as it is, over bytes (saving):   ${paired("sink", "bytes")}`);
await thread.terminate();
await store.db.destroy();
fs.rmSync(dir, { recursive: true, force: true });
void kept;
