// Scale-out mode's cost per request: the same server on PostgreSQL + Redis (pg-boss queue, Redis rate limits and
// pub/sub) against the embedded mode (SQLite, in-process limits), both started in this run, for a CRM read by id and
// a function invocation (a public endpoint function). Printed as ratios per request, scale-out / embedded, of paired rounds.
// Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. Run: npx tsx --conditions=sprocket-source bench/cluster/run.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, load, type LoadResult } from "../support/load";
import { embedded, prepare, scaleOut } from "./modes";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

// Both servers run at once and are measured in alternating rounds: on this shared two-core machine the speed drifts
// by half between moments, and a pair of back-to-back rounds shares its moment (bench/support/load.ts, alternate); the
// pair's order alternates too, so neither mode always runs second. Each pair gives a ratio; the median and the spread
// of the pairs are printed. Two measures per request: time (1 / throughput at the same concurrency; PostgreSQL's and
// Redis' own work on the same cores counts), and the Node server thread's CPU (without the database processes).
const calls = [
  { id: "crm-read", title: "CRM read by id", goal: 1.5 },
  { id: "function", title: "function invocation (public endpoint)", goal: 1.2 },
] as const;
const series: object[] = [];
const ratios: object[] = [];
const embeddedMode = await embedded();
const outMode = await scaleOut();
try {
  const targets = [await prepare(embeddedMode), await prepare(outMode)] as const;
  const loads: Record<(typeof calls)[number]["id"], (t: (typeof targets)[number]) => Promise<LoadResult>> = {
    "crm-read": (t) => load(t.crmUrl, { seconds, headers: { authorization: `Bearer ${t.token}` } }),
    // As many connections as a build may have runners (4), so the load measures calls, not the wait for a runner.
    function: (t) => load(t.fnUrl, { seconds, connections: 4 }),
  };
  for (const call of calls) {
    const run = loads[call.id];
    // Warm-up: JIT, pools, caches, the function's runners and its unpacked build.
    for (const t of targets) await run(t);
    const pairs: Array<[LoadResult, LoadResult]> = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) pairs.push([await run(targets[0]), await run(targets[1])]);
      else {
        const b = await run(targets[1]);
        pairs.push([await run(targets[0]), b]);
      }
    }
    for (const [a, b] of pairs) if (a.errors || a.non2xx || b.errors || b.non2xx) throw new Error(`${call.title}: errors in a round`);
    const time = pairs.map(([a, b]) => a.requestsPerSec / b.requestsPerSec);
    const cpu = pairs.map(([a, b]) => (a.serverCpuUs && b.serverCpuUs ? b.serverCpuUs / a.serverCpuUs : NaN));
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const [a, b] = [med(pairs.map(([x]) => x.requestsPerSec)), med(pairs.map(([, y]) => y.requestsPerSec))];
    process.stdout.write(
      `${call.title}: embedded ${fmt(a)} req/s, PostgreSQL + Redis ${fmt(b)} req/s (medians of ${rounds} rounds); ` +
        `time per request ratio ${med(time).toFixed(2)} (pairs ${spread(time)}), server-thread CPU ratio ${med(cpu).toFixed(2)} (pairs ${spread(cpu)})\n`,
    );
    const round = (n: number) => Math.round(n * 100) / 100;
    series.push(
      {
        id: `${call.id}-throughput`,
        title: `${call.title}: requests per second, median of the rounds`,
        unit: "req/s",
        xLabel: "mode",
        points: [
          { x: 0, y: Math.round(a), label: "embedded (SQLite)" },
          { x: 1, y: Math.round(b), label: "PostgreSQL + Redis" },
        ],
      },
      {
        id: `${call.id}-time-ratio`,
        title: `${call.title}: time per request, PostgreSQL + Redis / embedded, each pair of rounds`,
        unit: "ratio",
        xLabel: "round",
        points: time.map((y, i) => ({ x: i + 1, y: round(y) })),
        goal: call.goal,
        baseline: 1,
      },
    );
    ratios.push(
      {
        id: `${call.id}-time`,
        title: `${call.title}: time per request, median of pairs`,
        value: round(med(time)),
        goal: call.goal,
        met: med(time) <= call.goal,
      },
      {
        id: `${call.id}-cpu`,
        title: `${call.title}: server-thread CPU per request, median of pairs`,
        value: round(med(cpu)),
        goal: call.goal,
        met: med(cpu) <= call.goal,
      },
    );
  }
} finally {
  await outMode.stop();
  await embeddedMode.stop();
}

const cpus = os.cpus();
const result = {
  bench: "cluster",
  command: `BENCH_SECONDS=${seconds} BENCH_ROUNDS=${rounds} npx tsx --conditions=sprocket-source bench/cluster/run.ts`,
  measuredAt: new Date().toISOString(),
  machine: `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
  series,
  ratios,
};
const out = path.resolve(import.meta.dirname, "../results/cluster.json");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${result.machine}\nwrote ${path.relative(process.cwd(), out)}\n`);
