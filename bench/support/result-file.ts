// Writes bench/results/<bench>.json in the shape bench/report.ts reads (checked there with zod), with the machine the
// figures were measured on. Load average is taken when the file is written, at the end of the run, beside the one at
// its start the caller passes: on the shared 2-core machine it says how much the absolute figures are inflated.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BenchResult } from "../report";

const RESULTS_DIR = path.join(import.meta.dirname, "..", "results");

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Call at the start of a run; its answer goes into `machine()` at the end. */
export const loadAtStart = loadAverage;

export function machine(startLoad: string): string {
  const cpus = os.cpus();
  const gb = Math.round(os.totalmem() / 2 ** 30);
  return `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${gb} GB, Node ${process.version}, load average ${startLoad} at the start, ${loadAverage()} at the end`;
}

export function writeResult(result: BenchResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.bench}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
