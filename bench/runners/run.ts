/**
 * A thousand apps on one embedded node: each app called once through the real execution endpoint, then left idle.
 * Reports, against baselines measured in the same run:
 * - the node's resident memory (this process and its runner children, summed from /proc) before the calls, at its
 *   peak during them, and once the idle time has retired every runner;
 * - the most runners alive at once, spares included (the idle cap and the spare count bound them, whatever the number
 *   of apps);
 * - p50/p99 of a first call to an idle app (HTTP, token, runner spawn, module load, call) against `node -e 0`, and of
 *   the warm call right after it (everything but the runner start).
 * The apps share one real build (one upload, built and deployed as usual) and are provisioned in bulk with the deploy's
 * own provisioning code, so there are N apps with N runner keys and N unpacked folders without N builds.
 * Run: npx tsx --conditions=sprocket-source bench/runners/run.ts   (BENCH_APPS=100 for a quick run; BENCH_IDLE_MS;
 * BENCH_SPARES sets SPROCKET_FUNCTION_SPARE_RUNNERS, default the server's). Each run writes its point (x = apps) into
 * bench/results/runners.json, keeping the other sizes' points, so that 10, 100 and 1,000 apps make one curve (not with
 * BENCH_SPARES set: that run is a comparison).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { provisionApps, type DeployedApp } from "../../packages/server/src/apps/provision";
import type { DeployedFunction } from "../../packages/server/src/apps/provision";
import type { Series } from "../report";
import { deployProjectDir, ProjectApi, SHARED_DEPS_CACHE } from "../../packages/server/test/support/project-api";
import { startBenchServer } from "../support/bench-server";
import { fmt } from "../support/load";

const APPS = Number(process.env.BENCH_APPS ?? 1_000);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);
const SPARES = process.env.BENCH_SPARES;
const RESULTS = fileURLToPath(new URL("../results/runners.json", import.meta.url));
const PROJECT = fileURLToPath(new URL("../../packages/server/test/fixtures/functions-project", import.meta.url));

const percentile = (samples: number[], q: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * q))]!;

/**
 * Resident bytes of this process and all its descendants, from /proc (statm's resident pages); with `only`, of the
 * descendants whose command line matches it.
 */
function treeRss(only?: string): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  let bytes = 0;
  const visit = [process.pid];
  while (visit.length) {
    const pid = visit.pop()!;
    try {
      if (!only || fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(only)) {
        bytes += Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * 4096;
      }
    } catch {
      continue;
    }
    visit.push(...(children.get(pid) ?? []));
  }
  return bytes;
}

function spawnEmptyNode(): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    // An empty environment: tsx puts its loader in NODE_OPTIONS, which would slow the baseline.
    const child = spawn(process.execPath, ["-e", "0"], { env: {}, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => resolve(performance.now() - start));
  });
}

const server = await startBenchServer({
  SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE,
  SPROCKET_FUNCTION_RUNNER_IDLE_MS: String(IDLE_MS),
  ...(SPARES !== undefined ? { SPROCKET_FUNCTION_SPARE_RUNNERS: SPARES } : {}),
});
const p = server.platform;
const pool = p.functions.runners;
const { accountId } = server.bootstrap.info;
const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
const { buildId } = await deployProjectDir(api, PROJECT);

// N apps on the real build: the deploy's provisioning code, in one transaction, outside any project's live apps.
const deployed = await p.store.db.selectFrom("app_components").select("config").where("kind", "=", "function").execute();
const functions = deployed.map((row) => JSON.parse(row.config) as DeployedFunction);
await p.store.db
  .updateTable("accounts")
  .set({ max_private_apps: APPS + 10 })
  .where("id", "=", accountId)
  .execute();
const apps: DeployedApp[] = Array.from({ length: APPS }, (_, i) => ({
  uid: `bench-${i}`,
  name: `bench-${i}`,
  description: "",
  scopes: [],
  cards: [],
  functions,
}));
const { appIds } = await p.store.db
  .transaction()
  .execute((trx) => provisionApps(trx, p, { accountId, projectId: 1_000_000, buildId, apps }));
const ids = apps.map((a) => appIds[a.uid]!);

// The deployed fixture's own runner retires after the idle time: start from a node with none.
await pool.evict(pool.stats().builds[0] ?? "");
const bearer = await api.bearer();
const call = async (appId: number) => {
  const res = await fetch(`${server.url}/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify({ serverlessFunction: "callback", parameters: { text: String(appId) } }),
  });
  const body = (await res.json()) as { response?: unknown };
  if (res.status !== 200 || body.response !== `You entered: ${appId}`)
    throw new Error(`app ${appId} answered ${res.status} ${JSON.stringify(body)}`);
};

/** Runners serving builds plus spares: every runner process the node has. */
const runnersAlive = () => pool.stats().runners + pool.stats().spares;
const spareCount = p.config.functionRunners.spareRunners;
// The spares are started with the pool (at the deploy's prewarm): they are part of the node's memory from the start.
while (pool.stats().spares < spareCount) await new Promise((resolve) => setTimeout(resolve, 50));
const baselineRss = treeRss();
let peakRss = baselineRss;
let mostRunners = 0;
const sample = () => {
  peakRss = Math.max(peakRss, treeRss());
  mostRunners = Math.max(mostRunners, runnersAlive());
};
const sampler = setInterval(sample, 100);
/**
 * Calls each app `times` times in a row, and with `baseline` spawns `node -e 0` after each app's calls: the baseline
 * interleaved with what it is compared to, as the machine's load varies. Returns the durations per round.
 */
async function timeCalls(appIds: number[], times: number, baseline: number[] | undefined): Promise<number[][]> {
  const samples: number[][] = Array.from({ length: times }, () => []);
  for (const appId of appIds) {
    for (const round of samples) {
      const t0 = performance.now();
      await call(appId);
      round.push(performance.now() - t0);
    }
    mostRunners = Math.max(mostRunners, runnersAlive());
    baseline?.push(await spawnEmptyNode());
  }
  return samples;
}
const idle = async () => {
  while (pool.stats().runners > 0 || pool.stats().spares < spareCount) await new Promise((resolve) => setTimeout(resolve, 100));
};

// 1. Every app's first call after its deploy: unpacks its folder and starts its runner.
const started = performance.now();
const [afterDeploy] = (await timeCalls(ids, 1, undefined)) as [number[]];
const callSeconds = (performance.now() - started) / 1000;
// 2. All runners retire after the idle time; then a first call to an idle app (folder unpacked, runner cold), on a
// spread sample of the apps, each followed at once by a warm call: the cost of everything besides the runner start.
await idle();
const sampled = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 200)) === 0);
const spawnBaseline: number[] = [];
const [idleFirst, warm] = (await timeCalls(sampled, 2, spawnBaseline)) as [number[], number[]];
sample();
clearInterval(sampler);
await idle();
const idleRss = treeRss();
// What is left of the runners when idle: the spares.
const idleRunnersRss = treeRss("child-entry.cjs");

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MB`;
const ms = (samples: number[]) => `p50 ${fmt(percentile(samples, 0.5), 1)} ms, p99 ${fmt(percentile(samples, 0.99), 1)} ms`;
const spawnP50 = percentile(spawnBaseline, 0.5);
const ratio = percentile(idleFirst, 0.5) / spawnP50;
const loadAverage = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
process.stdout.write(
  [
    `${fmt(APPS)} apps on one node (${os.cpus().length} cores, Node ${process.version}; idle time ${fmt(IDLE_MS)} ms, idle cap ${p.config.functionRunners.maxIdle}, spares ${spareCount}; load average ${loadAverage})`,
    `node -e 0 (baseline, spawned after each sampled app's calls): p50 ${fmt(spawnP50, 1)} ms`,
    `first call to an idle app (${sampled.length} apps): ${ms(idleFirst)}; p50 / node -e 0 = ${ratio.toFixed(2)}`,
    `first call after deploy, unpacking the app's folder too (${fmt(APPS)} apps, ${fmt(callSeconds, 1)} s): ${ms(afterDeploy)}`,
    `the same apps' second call, warm: ${ms(warm)}`,
    `RSS (node + runners): before ${mb(baselineRss)}, peak ${mb(peakRss)}, after idle ${mb(idleRss)} (${(idleRss / baselineRss).toFixed(2)}× before; runner processes, i.e. the spares, ${mb(idleRunnersRss)} of it); most runners alive at once ${mostRunners} (spares included)`,
  ].join("\n") + "\n",
);

// One point per size; the other sizes' points are kept from their own runs.
const previous = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as { series: Series[] }) : { series: [] };
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const when = new Date().toISOString().slice(0, 10);
const point = (id: string, title: string, unit: string, y: number, goal?: number): Series => {
  const points = (previous.series.find((s) => s.id === id)?.points ?? []).filter((pt) => pt.x !== APPS);
  points.push({ x: APPS, y: round(y), label: `${when}, load ${loadAverage.split(" ")[0]}` });
  points.sort((a, b) => a.x - b.x);
  return { id, title, unit, xLabel: "apps", points, ...(goal !== undefined ? { goal } : {}) };
};
const series = [
  point("peak-rss", "node + runners resident memory, peak during the calls", "MB", peakRss / 2 ** 20, 1536),
  point("idle-rss", "node + runners resident memory after the idle time (spares included)", "MB", idleRss / 2 ** 20),
  point("before-rss", "node + runners resident memory before the calls (spares included)", "MB", baselineRss / 2 ** 20),
  point("idle-first-p50", "first call to an idle app, p50", "ms", percentile(idleFirst, 0.5)),
  point("idle-first-p99", "first call to an idle app, p99", "ms", percentile(idleFirst, 0.99)),
  point("node-e-0-p50", "node -e 0 (interleaved baseline), p50", "ms", spawnP50),
  point("idle-first-ratio", "first call to an idle app / node -e 0 (p50)", "ratio", ratio, 1.5),
  point("warm-p50", "warm call right after, p50", "ms", percentile(warm, 0.5)),
  point("most-runners", "most runner processes alive at once (spares included)", "runners", mostRunners),
];
const ratioSeries = series.find((s) => s.id === "idle-first-ratio")!;
const largest = ratioSeries.points[ratioSeries.points.length - 1]!;
const peakSeries = series.find((s) => s.id === "peak-rss")!;
const largestPeak = peakSeries.points[peakSeries.points.length - 1]!;
const result = {
  bench: "runners",
  command: "npx tsx --conditions=sprocket-source bench/runners/run.ts   (BENCH_APPS=10, 100, and the default 1,000)",
  measuredAt: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? "unknown cpu"}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, load average ${loadAverage} (last run: ${fmt(APPS)} apps)`,
  series,
  ratios: [
    {
      id: "idle-first-ratio",
      title: `first call to an idle app / node -e 0, p50, at ${fmt(largest.x)} apps`,
      value: largest.y,
      goal: 1.5,
      met: largest.y <= 1.5,
    },
    {
      id: "peak-rss-gb",
      title: `peak RSS in GB at ${fmt(largestPeak.x)} apps`,
      value: round(largestPeak.y / 1024, 2),
      goal: 1.5,
      met: largestPeak.y / 1024 < 1.5,
    },
  ],
};
// A run with another spare count is a comparison, not the node's figures: it leaves the results file alone.
if (SPARES === undefined) {
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2) + "\n");
}
await server.stop();
fs.rmSync(p.functions.files.root, { recursive: true, force: true });
