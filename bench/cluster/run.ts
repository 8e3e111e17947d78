// Scale-out mode's cost per request: the same server on PostgreSQL + Redis (pg-boss queue, Redis rate limits and
// pub/sub) against the embedded mode (SQLite, in-process limits), both started in this run, for a CRM read by id and
// a function invocation (a public endpoint function). Printed as ratios per request, scale-out / embedded, of paired rounds.
// Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. Run: npx tsx --conditions=sprocket-source bench/cluster/run.ts
import { fmt, load, type LoadResult } from "../support/load";
import { embedded, prepare, scaleOut } from "./modes";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

// Both servers run at once and are measured in alternating rounds: on this shared two-core machine the speed drifts
// by half between moments, and a pair of back-to-back rounds shares its moment (bench/support/load.ts, alternate).
// Each pair gives a ratio; the median and the spread of the pairs are printed. Two measures per request: time
// (1 / throughput at the same concurrency; PostgreSQL's and Redis' own work on the same cores counts), and the Node
// server thread's CPU (without the database processes).
const embeddedMode = await embedded();
const outMode = await scaleOut();
try {
  const targets = [await prepare(embeddedMode), await prepare(outMode)] as const;
  const loads = {
    "CRM read by id     ": (t: (typeof targets)[number]) => load(t.crmUrl, { seconds, headers: { authorization: `Bearer ${t.token}` } }),
    // As many connections as a build may have runners (4), so the load measures calls, not the wait for a runner.
    "function invocation": (t: (typeof targets)[number]) => load(t.fnUrl, { seconds, connections: 4 }),
  };
  for (const [label, run] of Object.entries(loads)) {
    // Warm-up: JIT, pools, the function's runners and its unpacked build.
    for (const t of targets)
      await load(label.startsWith("CRM") ? t.crmUrl : t.fnUrl, { seconds: 1, headers: { authorization: `Bearer ${t.token}` } });
    const pairs: Array<[LoadResult, LoadResult]> = [];
    for (let i = 0; i < rounds; i++) pairs.push([await run(targets[0]), await run(targets[1])]);
    for (const [a, b] of pairs) if (a.errors || a.non2xx || b.errors || b.non2xx) throw new Error(`${label}: errors in a round`);
    const time = pairs.map(([a, b]) => a.requestsPerSec / b.requestsPerSec);
    const cpu = pairs.map(([a, b]) => (a.serverCpuUs && b.serverCpuUs ? b.serverCpuUs / a.serverCpuUs : NaN));
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const [a, b] = [med(pairs.map(([x]) => x.requestsPerSec)), med(pairs.map(([, y]) => y.requestsPerSec))];
    process.stdout.write(
      `${label}: embedded ${fmt(a)} req/s, PostgreSQL + Redis ${fmt(b)} req/s (medians of ${rounds} rounds); ` +
        `time per request ratio ${med(time).toFixed(2)} (pairs ${spread(time)}), server-thread CPU ratio ${med(cpu).toFixed(2)} (pairs ${spread(cpu)})\n`,
    );
  }
} finally {
  await outMode.stop();
  await embeddedMode.stop();
}
