// Time to validate a project as it grows (the seed-example project with 1, 10 and 100 cards and as many functions),
// against a baseline measured in the same rounds: decoding and JSON.parse-ing the same JSON files (the least any
// validator must do). Rounds alternate validation and baseline, and the ratio is the median of the rounds' ratios.
// Writes bench/results/validate.json. Run: npx tsx --conditions=sprocket-source bench/validate/run.ts
import fs from "node:fs";
import { hasErrors, loadProjectFromDir, validateProject, type ProjectFiles } from "@sprocket/project-format";
import { writeSizedProject } from "../support/sized-project";
import { loadAtStart, machine, writeResult } from "../support/result-file";

const SIZES = [1, 10, 100];
const ROUNDS = 7;
const startLoad = loadAtStart();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function baseline(files: ProjectFiles): number {
  const decoder = new TextDecoder();
  let keys = 0;
  for (const [path, content] of files) {
    if (!path.endsWith(".json")) continue;
    const json = JSON.parse(typeof content === "string" ? content : decoder.decode(content)) as object;
    keys += Object.keys(json).length;
  }
  return keys;
}

function validate(files: ProjectFiles): number {
  const result = validateProject(files);
  if (hasErrors(result.diagnostics)) throw new Error("the project should validate");
  return result.diagnostics.length;
}

let sink = 0;
/** Microseconds per call over `iterations` calls. */
function time(run: (files: ProjectFiles) => number, files: ProjectFiles, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += run(files);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const rows: { n: number; files: number; validateUs: number; baselineUs: number; ratio: number }[] = [];
for (const n of SIZES) {
  const dir = writeSizedProject(n);
  try {
    const files = await loadProjectFromDir(dir);
    // About the same work per round at every size (the seed project took ~5,000 validations per second-long round).
    const iterations = Math.max(50, Math.round(5_000 / n));
    time(validate, files, iterations); // warm-up
    time(baseline, files, iterations);
    const v: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      v.push(time(validate, files, iterations));
      b.push(time(baseline, files, iterations));
    }
    rows.push({ n, files: files.size, validateUs: median(v), baselineUs: median(b), ratio: median(v.map((x, i) => x / b[i]!)) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
if (sink < 0) console.log(sink); // keeps the work observable

console.log(`seed-example with n cards and n functions; ${ROUNDS} paired rounds, medians`);
for (const r of rows)
  console.log(
    `n=${String(r.n).padStart(3)} (${r.files} files): validateProject ${r.validateUs.toFixed(1)} µs, baseline (decode + JSON.parse) ${r.baselineUs.toFixed(1)} µs, ratio ${r.ratio.toFixed(2)}x`,
  );
const first = rows[0]!;
const last = rows[rows.length - 1]!;
const growth = last.validateUs / first.validateUs;
console.log(`validation at n=${last.n} / n=${first.n}: ${growth.toFixed(1)}x for ${last.n / first.n}x the components`);

writeResult({
  bench: "validate",
  command: "npx tsx --conditions=sprocket-source bench/validate/run.ts",
  measuredAt: new Date().toISOString(),
  machine: machine(startLoad),
  series: [
    {
      id: "validate",
      title: "validateProject",
      unit: "µs",
      xLabel: "cards and functions (n each)",
      points: rows.map((r) => ({ x: r.n, y: Number(r.validateUs.toFixed(1)) })),
    },
    {
      id: "baseline",
      title: "baseline: decode + JSON.parse of the same JSON files",
      unit: "µs",
      xLabel: "cards and functions (n each)",
      points: rows.map((r) => ({ x: r.n, y: Number(r.baselineUs.toFixed(1)) })),
    },
  ],
  ratios: [
    // The target the validator was built to: a seed-sized project (one card, one function) in under 2 ms.
    {
      id: "seed-ms",
      title: "validateProject, 1 card + 1 function (ms)",
      value: Number((first.validateUs / 1000).toFixed(3)),
      goal: 2,
      met: first.validateUs < 2000,
    },
    ...rows.map((r) => ({ id: `ratio-${r.n}`, title: `validate / baseline at n=${r.n}`, value: Number(r.ratio.toFixed(2)), met: true })),
    // Linear in the project is the expectation: no worse than proportional to the number of components.
    {
      id: "growth",
      title: `validate at n=${last.n} / n=${first.n} (${last.n / first.n}x the components)`,
      value: Number(growth.toFixed(1)),
      goal: last.n / first.n,
      met: growth <= last.n / first.n,
    },
  ],
});
