// Runs every benchmark in bench/*/run.ts one after another (they would compete for the two cores otherwise).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, "run.ts")))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n== bench/${name}\n`);
  const res = spawnSync(process.execPath, ["--conditions=sprocket-source", "--import", "tsx", path.join(root, name, "run.ts")], {
    stdio: "inherit",
  });
  if (res.status !== 0) failed++;
}
// The charts and the generated part of docs/performance.md, from whatever bench/results/*.json now holds (a bench that
// failed keeps its last result file).
process.stdout.write("\n== bench/report.ts\n");
const report = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "report.ts")], { stdio: "inherit" });
if (report.status !== 0) failed++;
process.exit(failed ? 1 : 0);
