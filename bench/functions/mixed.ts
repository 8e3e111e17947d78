/**
 * Functions under mixed load (issue #24, item 5): the reliability suite's load mix (test/reliability/load.ts: CRM reads,
 * searches, writes, function invocations and a rate-limited app, against the real server process) in under a minute,
 * with its baselines measured in the same run on the same server: reads alone (the mix's read clients, nothing else)
 * and functions alone (the mix's function clients). Printed: function and read throughput and p99 in each, the mix at
 * two sizes (clients), and the ratios mix / alone. Writes bench/results/functions-mixed.json.
 * Run: npx tsx --conditions=sprocket-source bench/functions/mixed.ts   (SPROCKET_TEST_DB=postgres for PostgreSQL;
 * BENCH_SECONDS, default 6, measured seconds per phase after 3 s of warm-up)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROFILES } from "../../test/reliability/case";
import { loadGroup, loadMixes, runMix, type Mix, type MixTally } from "../../test/reliability/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const warmupSeconds = 3;
const SIZES = [50, 200];
const FULL = PROFILES.full.load.clients;
const engine = process.env.SPROCKET_TEST_DB ?? "sqlite";

interface Figures {
  rate: number;
  p99: number;
}

const figures = (tally: MixTally): Figures => ({
  rate: tally.sustained.length / seconds,
  p99: tally.sustained[Math.min(tally.sustained.length - 1, Math.floor(tally.sustained.length * 0.99))] ?? NaN,
});
const show = (f: Figures) => `${f.rate.toFixed(0)}/s p99 ${f.p99.toFixed(0)} ms`;

const world = await loadGroup.open(PROFILES.full);
let result: { alone: { reads: Figures; functions: Figures }; mixes: Array<{ clients: number; reads: Figures; functions: Figures }> };
try {
  const mixes = loadMixes(world);
  const kind = (name: string) => mixes.find((m) => m.name === name)!;
  // Alone: the same clients as the full mix gives that kind (its share of 200), and nothing else.
  const alone = async (m: Mix) => {
    const [tally] = await runMix(world.server.url, [{ ...m, share: 1 }], { clients: Math.round(FULL * m.share), seconds, warmupSeconds });
    return figures(tally!);
  };
  const reads = await alone(kind("reads"));
  process.stdout.write(`reads alone (${Math.round(FULL * kind("reads").share)} clients): ${show(reads)}\n`);
  const functions = await alone(kind("functions"));
  process.stdout.write(`functions alone (${Math.round(FULL * kind("functions").share)} clients): ${show(functions)}\n`);
  const measured = [];
  for (const clients of SIZES) {
    const tallies = await runMix(world.server.url, mixes, { clients, seconds, warmupSeconds });
    const of = (name: string) => figures(tallies.find((t) => t.m.name === name)!);
    measured.push({ clients, reads: of("reads"), functions: of("functions") });
    process.stdout.write(
      `mix of ${clients} clients: functions ${show(of("functions"))}, reads ${show(of("reads"))}, searches ${show(of("searches"))}, writes ${show(of("writes"))}\n`,
    );
  }
  result = { alone: { reads, functions }, mixes: measured };
} finally {
  await loadGroup.close(world);
}

const full = result.mixes.find((m) => m.clients === FULL)!;
const loadAverage = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
process.stdout.write(
  `${engine}, ${FULL} clients: functions in the mix ${(full.functions.rate / result.alone.functions.rate).toFixed(2)} of alone, ` +
    `reads ${(full.reads.rate / result.alone.reads.rate).toFixed(2)} of alone; goal functions >= 100/s with p99 < 500 ms: ` +
    `${full.functions.rate >= 100 && full.functions.p99 < 500 ? "met" : "not met"} (load average ${loadAverage})\n`,
);

const points = (pick: (m: (typeof result.mixes)[number]) => number) => result.mixes.map((m) => ({ x: m.clients, y: Math.round(pick(m)) }));
const out = {
  bench: "functions-mixed",
  command: `${engine === "postgres" ? "SPROCKET_TEST_DB=postgres " : ""}npx tsx --conditions=sprocket-source bench/functions/mixed.ts`,
  measuredAt: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}, load average ${loadAverage}`,
  series: [
    {
      id: "functions-rate",
      title: `Function invocations in the mix (${engine}), baseline: functions alone`,
      unit: "req/s",
      xLabel: "clients",
      points: points((m) => m.functions.rate),
      goal: 100,
      baseline: Math.round(result.alone.functions.rate),
    },
    {
      id: "functions-p99",
      title: `Function invocation p99 in the mix (${engine}), baseline: functions alone`,
      unit: "ms",
      xLabel: "clients",
      points: points((m) => m.functions.p99),
      goal: 500,
      baseline: Math.round(result.alone.functions.p99),
    },
    {
      id: "reads-rate",
      title: `CRM reads in the mix (${engine}), baseline: reads alone`,
      unit: "req/s",
      xLabel: "clients",
      points: points((m) => m.reads.rate),
      baseline: Math.round(result.alone.reads.rate),
    },
    {
      id: "reads-p99",
      title: `CRM read p99 in the mix (${engine}), baseline: reads alone`,
      unit: "ms",
      xLabel: "clients",
      points: points((m) => m.reads.p99),
      baseline: Math.round(result.alone.reads.p99),
    },
  ],
  ratios: [
    {
      id: "functions-mix-vs-alone",
      title: `Function throughput in the ${FULL}-client mix / functions alone`,
      value: Number((full.functions.rate / result.alone.functions.rate).toFixed(3)),
      met: true,
    },
    {
      id: "functions-rate-goal",
      title: `Function invocations per second in the ${FULL}-client mix (goal 100)`,
      value: Math.round(full.functions.rate),
      goal: 100,
      met: full.functions.rate >= 100,
    },
    {
      id: "functions-p99-goal",
      title: `Function invocation p99 in ms in the ${FULL}-client mix (goal under 500)`,
      value: Math.round(full.functions.p99),
      goal: 500,
      met: full.functions.p99 < 500,
    },
    {
      id: "reads-mix-vs-alone",
      title: `Read throughput in the ${FULL}-client mix / reads alone`,
      value: Number((full.reads.rate / result.alone.reads.rate).toFixed(3)),
      met: true,
    },
  ],
};
const file = path.resolve(import.meta.dirname, "../results/functions-mixed.json");
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
process.exit(0);
