// Installing a function folder's dependencies as the set grows: one package (is-number), axios 0.27 (about 9), and the
// seed project's (@hubspot/api-client 7 and axios: about 40 packages, 8,000 files). For each: cold (empty npm cache,
// empty package store: npm and the registry), against a new lock file over packages the server has installed before,
// taken from the shared package store, and against the same through `npm ci` with every tarball already in npm's cache
// (what builds did before the store). Rounds alternate between the two warm ways, each with a lock file the dependency
// cache has not seen (a new key), and the ratios are per round. Last, on the seed's set, a lock file naming a package
// the store lacks: the build log line and npm's install from the registry. Writes bench/results/deps.json.
// Needs the npm registry. Run: npx tsx --conditions=sprocket-source bench/deps/run.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installDependencies } from "@sprocket/builder";
import { PROJECTS_DIR } from "../../fixtures/paths";
import { loadAtStart, machine, writeResult } from "../support/result-file";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEED_FUNCTIONS = path.join(PROJECTS_DIR, "seed-example", "src", "app", "app.functions", "package.json");
const seedManifest = JSON.parse(fs.readFileSync(SEED_FUNCTIONS, "utf8")) as { dependencies: Record<string, string> };
const SETS: { name: string; dependencies: Record<string, string> }[] = [
  { name: "is-number", dependencies: { "is-number": "7.0.0" } },
  { name: "axios 0.27", dependencies: { axios: "^0.27.2" } },
  { name: "seed-example functions", dependencies: seedManifest.dependencies },
];
const startLoad = loadAtStart();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

interface Measured {
  name: string;
  packages: number;
  files: number;
  cold: number;
  store: number[];
  npmCi: number[];
}

/** One dependency set in a folder of its own, from an empty npm cache and store. `then` runs before the folder goes. */
async function measureSet(set: (typeof SETS)[number], then?: (ctx: SetContext) => Promise<void>): Promise<Measured> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-deps-"));
  // npm's own cache, empty at the start and kept for the set (the server gives each build identity one like it).
  process.env.npm_config_cache = path.join(root, "npm-cache");
  const project = path.join(root, "functions");
  fs.mkdirSync(project);
  const ctx: SetContext = {
    root,
    shared: path.join(root, "deps"),
    packageJsonPath: path.join(project, "package.json"),
    lockfilePath: path.join(project, "package-lock.json"),
    lock: {},
  };
  fs.writeFileSync(ctx.packageJsonPath, JSON.stringify({ ...seedManifest, dependencies: set.dependencies }, null, 2));
  try {
    const cold = await install(ctx, ctx.shared);
    ctx.lock = JSON.parse(fs.readFileSync(path.join(cold.nodeModulesDir, "..", "package-lock.json"), "utf8")) as Record<string, unknown>;
    const files = fs.readdirSync(cold.nodeModulesDir, { recursive: true }).length;
    const store: number[] = [];
    const npmCi: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      newLockfile(ctx);
      const fromStore = await install(ctx, ctx.shared);
      if (!fromStore.log.some((m) => m.startsWith("Installed ") && m.includes("shared package store")))
        throw new Error(`not from the store: ${fromStore.log.join(" / ")}`);
      store.push(fromStore.ms);
      newLockfile(ctx);
      // A dependency cache of its own has no package store yet: npm ci, with npm's cache already holding every tarball.
      npmCi.push((await install(ctx, path.join(root, `npm-ci-${i}`))).ms);
    }
    await then?.(ctx);
    const packages = Object.keys((ctx.lock.packages as object) ?? {}).length - 1;
    return { name: set.name, packages, files, cold: cold.ms, store, npmCi };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

interface SetContext {
  root: string;
  shared: string;
  packageJsonPath: string;
  lockfilePath: string;
  lock: Record<string, unknown>;
}

async function install(
  ctx: SetContext,
  cacheDir: string,
  log: string[] = [],
): Promise<{ ms: number; log: string[]; nodeModulesDir: string }> {
  const t0 = performance.now();
  const r = await installDependencies({
    packageJsonPath: ctx.packageJsonPath,
    lockfilePath: ctx.lockfilePath,
    cacheDir,
    log: (m) => log.push(m),
  });
  if (r.cached) throw new Error("a dependency cache hit: the run needs a new key");
  return { ms: performance.now() - t0, log, nodeModulesDir: r.nodeModulesDir! };
}

/** The lock file npm wrote, under a name this run has not used: a new dependency cache key, the same packages. */
let serial = 0;
function newLockfile(ctx: SetContext): void {
  fs.writeFileSync(ctx.lockfilePath, JSON.stringify({ ...ctx.lock, name: `demo.functions-${++serial}` }, null, 2));
}

/** A package the store has never held: the build says so and npm installs from the registry. */
async function storeMiss(ctx: SetContext): Promise<void> {
  const { lock, packageJsonPath, lockfilePath } = ctx;
  const packages = { ...(lock.packages as Record<string, Record<string, unknown>>) };
  const root0 = packages[""]!;
  packages[""] = { ...root0, dependencies: { ...(root0.dependencies as object), "is-odd": "3.0.1" } };
  packages["node_modules/is-odd"] = {
    version: "3.0.1",
    resolved: "https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz",
    integrity: "sha512-CQpnWPrDwmP1+SMHXZhtLtJv90yiyVfluGsX5iNCVkrhQtU3TQHsUWPG9wkdk9Lgd5yNpAg9jQEo90CBaXgWMA==",
    dependencies: { "is-number": "^6.0.0" },
  };
  packages["node_modules/is-odd/node_modules/is-number"] = {
    version: "6.0.0",
    resolved: "https://registry.npmjs.org/is-number/-/is-number-6.0.0.tgz",
    integrity: "sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73vLGrHQjKw3KMPwfDzg==",
  };
  const manifest = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as { dependencies: Record<string, string> };
  fs.writeFileSync(packageJsonPath, JSON.stringify({ ...manifest, dependencies: { ...manifest.dependencies, "is-odd": "3.0.1" } }));
  fs.writeFileSync(lockfilePath, JSON.stringify({ ...lock, packages }, null, 2));
  const miss = await install(ctx, ctx.shared);
  console.log(`store miss (is-odd added to the seed's set): ${s(miss.ms)}; build log:\n  ${miss.log.join("\n  ")}`);
}

const results: Measured[] = [];
for (const set of SETS) results.push(await measureSet(set, set === SETS[SETS.length - 1] ? storeMiss : undefined));

for (const r of results) {
  const ratios = r.store.map((t, i) => r.npmCi[i]! / t);
  console.log(`\n${r.name}: ${r.packages} packages, ${r.files} files and folders`);
  console.log(`  cold (empty npm cache and store; npm install from the registry), once:      ${s(r.cold)}`);
  console.log(
    `  new lock file, packages in the shared store (no npm), median of ${ROUNDS}:     ${s(median(r.store))}  (${r.store.map(s).join(", ")}; goal under 5 s)`,
  );
  console.log(
    `  new lock file, npm ci with every tarball in npm's cache, median of ${ROUNDS}:  ${s(median(r.npmCi))}  (${r.npmCi.map(s).join(", ")})`,
  );
  console.log(`  ratio cold / store: ${(r.cold / median(r.store)).toFixed(1)}x`);
  console.log(`  ratio npm ci warm / store: ${median(ratios).toFixed(1)}x (median of paired rounds, ${spread(ratios)})`);
}

const seed = results[results.length - 1]!;
const xLabel = "packages in the lock file";
const points = (f: (r: Measured) => number) => results.map((r) => ({ x: r.packages, y: Math.round(f(r)), label: r.name }));
writeResult({
  bench: "deps",
  command: "npx tsx --conditions=sprocket-source bench/deps/run.ts",
  measuredAt: new Date().toISOString(),
  machine: machine(startLoad),
  series: [
    // Item 6's goal is for the seed's set; it is drawn on the store's line.
    {
      id: "store",
      title: "new lock file, from the shared package store",
      unit: "ms",
      xLabel,
      points: points((r) => median(r.store)),
      goal: 5000,
    },
    { id: "npm-ci", title: "new lock file, npm ci with a warm npm cache", unit: "ms", xLabel, points: points((r) => median(r.npmCi)) },
    { id: "cold", title: "cold: empty npm cache and store, from the registry", unit: "ms", xLabel, points: points((r) => r.cold) },
  ],
  ratios: [
    {
      id: "seed-store-ms",
      title: `seed's functions (${seed.packages} packages) from the store, ms`,
      value: Math.round(median(seed.store)),
      goal: 5000,
      met: median(seed.store) < 5000,
    },
    ...results.map((r) => ({
      id: `npm-ci-over-store-${r.packages}`,
      title: `npm ci warm / store, ${r.name} (${r.packages} packages)`,
      value: Number(median(r.store.map((t, i) => r.npmCi[i]! / t)).toFixed(1)),
      met: true,
    })),
  ],
});
