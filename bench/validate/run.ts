// Time to validate the seed-example project, against a baseline measured in the same run:
// decoding and JSON.parse-ing the same JSON files (the least any validator must do).
// Run: node --conditions=sprocket-source --import tsx bench/validate/run.ts
import path from "node:path";
import { PROJECTS_DIR } from "../../fixtures/paths";
import { hasErrors, loadProjectFromDir, validateProject, type ProjectFiles } from "@sprocket/project-format";

const projectDir = path.join(PROJECTS_DIR, "seed-example");
const iterations = 5_000;
const rounds = 7;

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
  if (hasErrors(result.diagnostics)) throw new Error("seed-example should validate");
  return result.diagnostics.length;
}

/** Median over rounds of the time per call, in microseconds. */
function measure(run: (files: ProjectFiles) => number, files: ProjectFiles): number {
  const perCall: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += run(files);
    perCall.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  if (sink < 0) console.log(sink); // keeps the work observable
  return perCall.sort((a, b) => a - b)[rounds >> 1]!;
}

const files = await loadProjectFromDir(projectDir);
const jsonFiles = [...files.keys()].filter((p) => p.endsWith(".json")).length;
measure(validate, files); // warm-up
measure(baseline, files);
const validateUs = measure(validate, files);
const baselineUs = measure(baseline, files);

console.log(`seed-example: ${files.size} files, ${jsonFiles} JSON; ${rounds} rounds x ${iterations} iterations, median round`);
console.log(`baseline (decode + JSON.parse of the JSON files): ${baselineUs.toFixed(1)} µs`);
console.log(
  `validateProject:                                  ${validateUs.toFixed(1)} µs per validation (${(validateUs / 1000).toFixed(3)} ms; target < 2 ms)`,
);
console.log(`ratio validate / baseline: ${(validateUs / baselineUs).toFixed(2)}x`);
