// Where a server's time goes under the reliability suite's load mix (issue #24 item 5), from inside the server process:
// loaded with NODE_OPTIONS, so the real `sprocket server start` that test/reliability/load.ts spawns is measured as it
// is. Written to <PROBE_DIR or the temp folder>/mix-probe-<pid>.txt: the event loop's delay every 5 s, then for one
// window of the mix (PROBE_WAIT_MS after the 50th function call, PROBE_SPAN_MS long) the requests per second by kind and
// status, each kind's time in the server (request start to response end) and the event-loop turns it spans, PostgreSQL
// statements per function call (pg's Client.query), the wait for a pool connection (Pool.connect), and the server
// thread's heaviest functions by self time (node:inspector, 200 µs sampling).
//   SPROCKET_TEST_DB=postgres NODE_OPTIONS="--import $PWD/bench/functions/mix-probe.mjs" \
//     npx tsx --conditions=sprocket-source test/reliability/run.ts --profile full --group sustained --engine postgres
// Every process of the run loads it (the suite's own, the server, its log-writer thread); only a process that serves
// function calls writes a window.
import dc from "node:diagnostics_channel";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = path.join(process.env.PROBE_DIR ?? os.tmpdir(), `mix-probe-${process.pid}.txt`);
const write = (line) => fs.appendFileSync(file, `${line}\n`);
const waitMs = Number(process.env.PROBE_WAIT_MS ?? 15_000);
const spanMs = Number(process.env.PROBE_SPAN_MS ?? 20_000);

let counting = false;
const statements = new Map();
const requests = new Map();
const statuses = new Map();
const poolWaits = [];
const queued = [];
const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);

// The server's own pg, resolved from its package as the server resolves it (PROBE_ROOT: another checkout's, so that a
// "before" tree is measured by the same probe).
const serverPackage = process.env.PROBE_ROOT
  ? path.join(process.env.PROBE_ROOT, "packages/server/package.json")
  : new URL("../../packages/server/package.json", import.meta.url);
/** What a pool connection was taken for, by its first statement: a transaction, a search's statements, or a read. */
const useOf = (text) =>
  /^\s*begin/i.test(text)
    ? "transaction"
    : /^\s*(select pg_advisory_xact_lock|with holders|with input)/.test(text)
      ? "create (one query)"
      : /count\(\*\)|o\.id, o\.object_type_id/.test(text)
        ? "search"
        : /from "crm_objects"/.test(text)
          ? "crm read"
          : /pgboss/.test(text)
            ? "jobs"
            : "other";
// Per use: the wait for the connection, how long it was held, and the part of that with a statement in PostgreSQL.
const uses = new Map();
const useOfClient = new WeakMap();
try {
  const pg = createRequire(serverPackage)("pg");
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    const q = args[0];
    const text = typeof q === "string" ? q : (q?.text ?? q?.name ?? "?");
    if (counting) bump(statements, text.replace(/\s+/g, " ").slice(0, 120));
    const held = useOfClient.get(this);
    if (!held) return query.apply(this, args);
    held.use ??= useOf(text);
    held.statements++;
    const start = performance.now();
    const done = () => (held.inQuery += performance.now() - start);
    const last = args.length - 1;
    // pg's Pool.query passes a callback; Kysely awaits the promise.
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = (...r) => (done(), callback(...r));
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result && typeof result.then === "function") result.then(done, done);
    return result;
  };
  const connect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function (callback) {
    const start = performance.now();
    const measured = counting;
    if (measured) queued.push(this.waitingCount);
    const got = (client) => {
      if (!client) return;
      const at = performance.now();
      if (measured) poolWaits.push(at - start);
      const held = { use: undefined, statements: 0, inQuery: 0 };
      useOfClient.set(client, held);
      const release = client.release;
      client.release = function (...a) {
        useOfClient.delete(client);
        if (measured && counting) {
          const use = held.use ?? "none";
          if (!uses.has(use)) uses.set(use, { waits: [], holds: [], inQuery: 0, statements: 0 });
          const u = uses.get(use);
          u.waits.push(at - start);
          u.holds.push(performance.now() - at);
          u.inQuery += held.inQuery;
          u.statements += held.statements;
        }
        return release.apply(this, a);
      };
    };
    if (callback) return connect.call(this, (error, client, done) => (got(client), callback(error, client, done)));
    return connect.call(this).then((client) => (got(client), client));
  };
} catch {
  // No pg in this process's reach: nothing to count.
}

/** The mix's kinds by URL (test/reliability/load.ts). */
const kindOf = (url) =>
  url.includes("/function/")
    ? "function"
    : url.includes("/search")
      ? "search"
      : url.startsWith("/crm/v3/objects/contacts?limit=1&") || url === "/crm/v3/objects/contacts?limit=1"
        ? "limited"
        : url.startsWith("/crm/v3/objects/contacts?")
          ? "read"
          : url.startsWith("/crm/v3/objects/contacts")
            ? "write"
            : "other";

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
setInterval(() => {
  const ms = (n) => (n / 1e6).toFixed(0);
  write(`event-loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms`);
  delay.reset();
}, 5000).unref();

let functionCalls = 0;
// The server's own time per request by kind (the parser's start to the response's end), and the turns of the event
// loop it took: what a client's latency holds besides waiting to be read.
const started = new WeakMap();
const serverMs = new Map();
const serverTurns = new Map();
// A turn is counted at its check phase when a request started in it; an immediate re-armed every turn would keep an
// idle loop from ever blocking in poll.
let turn = 0;
let armed = false;
const countTurn = () => {
  turn++;
  armed = false;
};
dc.subscribe("http.server.request.start", ({ request }) => {
  const kind = kindOf(request.url);
  if (kind === "function" && ++functionCalls === 50) setTimeout(() => void window(), waitMs).unref();
  if (counting) bump(requests, kind);
  started.set(request, [performance.now(), turn]);
  if (!armed) {
    armed = true;
    setImmediate(countTurn);
  }
});
dc.subscribe("http.server.response.finish", ({ request, response }) => {
  if (!counting) return;
  const kind = kindOf(request.url);
  bump(statuses, `${kind} ${response.statusCode}`);
  const [at, from] = started.get(request) ?? [];
  if (at === undefined) return;
  if (!serverMs.has(kind)) {
    serverMs.set(kind, []);
    serverTurns.set(kind, []);
  }
  serverMs.get(kind).push(performance.now() - at);
  serverTurns.get(kind).push(turn - from);
});

/** CPU seconds used so far by this process and by every PostgreSQL backend on the machine (ticks of 10 ms). */
function cpuSeconds() {
  const of = (stat) => {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  let postgres = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.includes("(postgres)")) postgres += of(stat);
    } catch {
      // Ended meanwhile.
    }
  }
  return { server: of(fs.readFileSync("/proc/self/stat", "utf8")), postgres };
}

async function window() {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  counting = true;
  const cpuBefore = cpuSeconds();
  const firstTurn = turn;
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, spanMs));
  counting = false;
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const seconds = (Date.now() - start) / 1000;
  const cpuAfter = cpuSeconds();
  write(
    `CPU over the window (cores): this server ${((cpuAfter.server - cpuBefore.server) / seconds).toFixed(2)}, ` +
      `PostgreSQL's backends ${((cpuAfter.postgres - cpuBefore.postgres) / seconds).toFixed(2)}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
  );
  const at = (list, p) => (list.sort((a, b) => a - b)[Math.floor(list.length * p)] ?? 0).toFixed(1);
  write(`window ${seconds} s, requests/s: ${[...requests].map(([k, n]) => `${k} ${(n / seconds).toFixed(0)}`).join(", ")}`);
  write(`event-loop turns with a request starting ${turn - firstTurn}: ${((seconds * 1000) / (turn - firstTurn)).toFixed(1)} ms a turn`);
  for (const [kind, list] of serverMs)
    write(
      `server time ${kind}: p50 ${at(list, 0.5)} p90 ${at(list, 0.9)} p99 ${at(list, 0.99)} ms; turns p50 ${at(serverTurns.get(kind), 0.5)} p90 ${at(serverTurns.get(kind), 0.9)} mean ${(serverTurns.get(kind).reduce((a, b) => a + b, 0) / list.length).toFixed(2)}`,
    );
  write(`statuses: ${[...statuses].map(([k, n]) => `${k}: ${n}`).join(", ")}`);
  write(
    `pool connects ${poolWaits.length}: wait p50 ${at(poolWaits, 0.5)} p90 ${at(poolWaits, 0.9)} p99 ${at(poolWaits, 0.99)} ms; ` +
      `already waiting p50 ${at(queued, 0.5)} p90 ${at(queued, 0.9)}`,
  );
  for (const [use, u] of [...uses].sort((a, b) => b[1].holds.length - a[1].holds.length)) {
    const held = u.holds.reduce((a, b) => a + b, 0);
    write(
      `  pool use ${use}: ${(u.holds.length / seconds).toFixed(0)}/s, wait p50 ${at(u.waits, 0.5)} p99 ${at(u.waits, 0.99)} ms, ` +
        `held p50 ${at(u.holds, 0.5)} p99 ${at(u.holds, 0.99)} ms, connections held on average ${(held / 1000 / seconds).toFixed(2)} ` +
        `(in a statement ${(u.inQuery / 1000 / seconds).toFixed(2)}), ${(u.statements / u.holds.length).toFixed(1)} statements`,
    );
  }
  const calls = requests.get("function") ?? 1;
  write("PostgreSQL statements: count (per function call)");
  for (const [text, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 30)) write(`  ${n} (${(n / calls).toFixed(2)})  ${text}`);
  const self = new Map();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const f = nodes.get(id).callFrame;
    const where = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*node_modules\//, "").replace(/^.*\/packages\//, "")}:${f.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  write(`server thread, self time over ${seconds} s (preemption on a loaded machine lands on the system call it interrupted):`);
  for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    write(`  ${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${where}`);
}
