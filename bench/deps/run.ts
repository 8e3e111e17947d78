// Installing the seed project's function dependencies (@hubspot/api-client 7 and axios: about 40 packages, 8,000
// files): cold (empty npm cache, empty package store: npm and the registry), against a new lock file over packages the
// server has installed before, taken from the shared package store, and against the same through `npm ci` with every
// tarball already in npm's cache (what builds did before the store). Rounds alternate between the two warm ways, each
// with a lock file the dependency cache has not seen (a new key), and the ratios are per round. Last, a lock file
// naming a package the store lacks: the build log line and npm's install from the registry.
// Needs the npm registry. Run: npx tsx --conditions=sprocket-source bench/deps/run.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installDependencies } from "@sprocket/builder";
import { PROJECTS_DIR } from "../../fixtures/paths";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEED_FUNCTIONS = path.join(PROJECTS_DIR, "seed-example", "src", "app", "app.functions", "package.json");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-deps-"));
// npm's own cache, empty at the start and kept for the run (the server gives each build identity one like it).
process.env.npm_config_cache = path.join(root, "npm-cache");
const project = path.join(root, "functions");
fs.mkdirSync(project);
fs.copyFileSync(SEED_FUNCTIONS, path.join(project, "package.json"));
const packageJsonPath = path.join(project, "package.json");
const lockfilePath = path.join(project, "package-lock.json");

async function install(cacheDir: string, log: string[] = []): Promise<{ ms: number; log: string[]; nodeModulesDir: string }> {
  const t0 = performance.now();
  const r = await installDependencies({ packageJsonPath, lockfilePath, cacheDir, log: (m) => log.push(m) });
  if (r.cached) throw new Error("a dependency cache hit: the run needs a new key");
  return { ms: performance.now() - t0, log, nodeModulesDir: r.nodeModulesDir! };
}

/** The lock file npm wrote, under a name this run has not used: a new dependency cache key, the same packages. */
let lock: Record<string, unknown> | undefined;
let serial = 0;
function newLockfile(): void {
  fs.writeFileSync(lockfilePath, JSON.stringify({ ...lock, name: `demo.functions-${++serial}` }, null, 2));
}

try {
  const shared = path.join(root, "deps");
  const cold = await install(shared);
  lock = JSON.parse(fs.readFileSync(path.join(cold.nodeModulesDir, "..", "package-lock.json"), "utf8")) as Record<string, unknown>;
  const files = fs.readdirSync(cold.nodeModulesDir, { recursive: true }).length;

  const store: number[] = [];
  const npmCi: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    newLockfile();
    const fromStore = await install(shared);
    if (!fromStore.log.some((m) => m.startsWith("Installed ") && m.includes("shared package store")))
      throw new Error(`not from the store: ${fromStore.log.join(" / ")}`);
    store.push(fromStore.ms);
    newLockfile();
    // A dependency cache of its own has no package store yet: npm ci, with npm's cache already holding every tarball.
    npmCi.push((await install(path.join(root, `npm-ci-${i}`))).ms);
  }

  const ratios = store.map((t, i) => npmCi[i]! / t);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(`seed-example functions: ${Object.keys((lock.packages as object) ?? {}).length - 1} packages, ${files} files and folders`);
  console.log(`cold (empty npm cache and store; npm install from the registry), once:      ${s(cold.ms)}`);
  console.log(
    `new lock file, packages in the shared store (no npm), median of ${ROUNDS}:     ${s(median(store))}  (${store.map(s).join(", ")}; goal under 5 s)`,
  );
  console.log(
    `new lock file, npm ci with every tarball in npm's cache, median of ${ROUNDS}:  ${s(median(npmCi))}  (${npmCi.map(s).join(", ")})`,
  );
  console.log(`ratio cold / store: ${(cold.ms / median(store)).toFixed(1)}x`);
  console.log(`ratio npm ci warm / store: ${median(ratios).toFixed(1)}x (median of paired rounds, ${spread(ratios)})`);

  // A package the store has never held: the build says so and npm installs from the registry.
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
  const miss = await install(shared);
  console.log(`store miss (is-odd added): ${s(miss.ms)}; build log:\n  ${miss.log.join("\n  ")}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
