// Where a PostgreSQL + Redis node's time goes under bench/cluster's loads: PostgreSQL queries and Redis commands per
// request (counted on pg's and ioredis' own client classes, by statement), then CPU profiles of the server thread
// (node:inspector, 100 µs sampling) around one load round on each mode, the embedded one first, as self time per
// request of the heaviest functions: each mode's, and the functions whose time differs most between the two.
// Run: npx tsx --conditions=sprocket-source bench/cluster/profile.ts [crm|function]
import { Session } from "node:inspector/promises";
import pg from "pg";
import { Redis } from "ioredis";
import { load } from "../support/load";
import { embedded, prepare, scaleOut, type Mode } from "./modes";

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

/** Self time per request, in µs, by function and place, over one profiled load round. */
async function profileRound(url: string, opts: Parameters<typeof load>[1]): Promise<{ self: Map<string, number>; served: number }> {
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
    self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0) / served);
  });
  return { self, served };
}

const printTop = (title: string, self: Map<string, number>, served: number) => {
  const busy = [...self].filter(([where]) => !where.startsWith("(idle)")).reduce((a, [, us]) => a + us, 0);
  process.stdout.write(
    `CPU profile, ${title}: ${busy.toFixed(1)} µs busy per request (${Math.round(served)} requests); self time per request:\n`,
  );
  for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    process.stdout.write(`  ${us.toFixed(2).padStart(7)} µs  ${where}\n`);
};

const modes: Mode[] = [];
try {
  modes.push(await embedded(), await scaleOut());
  const [inside, out] = [await prepare(modes[0]!), await prepare(modes[1]!)];
  const target = (t: typeof inside) =>
    which === "crm"
      ? { url: t.crmUrl, opts: { seconds, headers: { authorization: `Bearer ${t.token}` } } }
      : { url: t.fnUrl, opts: { seconds, connections: 4 } };
  for (const t of [inside, out]) await load(target(t).url, { ...target(t).opts, seconds: 2 });

  counting = true;
  const counted = await load(target(out).url, target(out).opts);
  counting = false;
  const requests = counted.requestsPerSec * seconds;
  process.stdout.write(`${which}, PostgreSQL + Redis: ${Math.round(counted.requestsPerSec)} req/s\nPostgreSQL queries per request:\n`);
  for (const [text, n] of [...queries].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${(n / requests).toFixed(3)}  ${text}\n`);
  process.stdout.write("Redis commands per request:\n");
  for (const [name, n] of [...commands].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${(n / requests).toFixed(3)}  ${name}\n`);

  const a = await profileRound(target(inside).url, target(inside).opts);
  const b = await profileRound(target(out).url, target(out).opts);
  printTop("embedded", a.self, a.served);
  printTop("PostgreSQL + Redis", b.self, b.served);
  const names = new Set([...a.self.keys(), ...b.self.keys()]);
  const diff = [...names].filter((w) => !w.startsWith("(idle)")).map((w) => [w, (b.self.get(w) ?? 0) - (a.self.get(w) ?? 0)] as const);
  process.stdout.write("Most different, PostgreSQL + Redis minus embedded (µs per request):\n");
  for (const [where, us] of diff.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1])).slice(0, 30))
    process.stdout.write(`  ${us.toFixed(2).padStart(7)} µs  ${where}\n`);
} finally {
  for (const m of modes) await m.stop();
}
