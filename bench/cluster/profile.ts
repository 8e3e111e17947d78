// Where a PostgreSQL + Redis node's time goes under bench/cluster's loads: PostgreSQL queries and Redis commands per
// request (counted on pg's and ioredis' own client classes, by statement), then a CPU profile of the server thread
// (node:inspector, 100 µs sampling) around one load round, as self time per request of the heaviest functions.
// Run: npx tsx --conditions=sprocket-source bench/cluster/profile.ts [crm|function]
import { Session } from "node:inspector/promises";
import pg from "pg";
import { Redis } from "ioredis";
import { load } from "../support/load";
import { prepare, scaleOut } from "./modes";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const which = process.argv[2] ?? "crm";

const queries = new Map<string, number>();
const commands = new Map<string, number>();
let counting = false;
const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const q = args[0] as string | { text?: string; name?: string };
    const text = typeof q === "string" ? q : (q.text ?? q.name ?? "?");
    bump(queries, text.replace(/\s+/g, " ").slice(0, 110));
  }
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof sendCommand>) {
  if (counting) bump(commands, args[0].name);
  return sendCommand.apply(this, args);
};

const mode = await scaleOut();
try {
  const t = await prepare(mode);
  const url = which === "crm" ? t.crmUrl : t.fnUrl;
  const opts = which === "crm" ? { seconds, headers: { authorization: `Bearer ${t.token}` } } : { seconds, connections: 4 };
  await load(url, { ...opts, seconds: 2 });

  counting = true;
  const counted = await load(url, opts);
  counting = false;
  const requests = counted.requestsPerSec * seconds;
  process.stdout.write(`${which}: ${Math.round(counted.requestsPerSec)} req/s\nPostgreSQL queries per request:\n`);
  for (const [text, n] of [...queries].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${(n / requests).toFixed(3)}  ${text}\n`);
  process.stdout.write("Redis commands per request:\n");
  for (const [name, n] of [...commands].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${(n / requests).toFixed(3)}  ${name}\n`);

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const profiled = await load(url, opts);
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const served = profiled.requestsPerSec * seconds;
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const { callFrame: f } = byId.get(id)!;
    const where = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*node_modules\//, "").replace(/^.*\/packages\//, "")}:${f.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `CPU profile: ${(total / served).toFixed(1)} µs sampled per request (${Math.round(served)} requests); self time per request:\n`,
  );
  for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    process.stdout.write(`  ${(us / served).toFixed(2).padStart(6)} µs  ${where}\n`);
} finally {
  await mode.stop();
}
