// Upload → deployed on a real server (SQLite, loopback HTTP) as the project grows: seed-example with 1, 10 and 100
// cards and as many functions (bench/support/sized-project.ts), against the validation of the same project alone,
// measured in the same run. Warm: the dependency cache already holds the seed's packages (median of several runs).
// Cold: an empty cache, once, at one card. Writes bench/results/build.json.
// Run: npx tsx --conditions=sprocket-source bench/build/run.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { loadProjectFromDir, validateProject } from "@sprocket/project-format";
import { loadConfig, startServer } from "@sprocket/server";
import { loadAtStart, machine, writeResult } from "../support/result-file";
import { writeSizedProject } from "../support/sized-project";

const SIZES = [1, 10, 100];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const startLoad = loadAtStart();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function pipeline(project: string, depsCacheDir: string, runs: number): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-build-"));
  const server = await startServer(
    loadConfig({ port: 0, dataDir }, { SPROCKET_LOG_LEVEL: "silent", SPROCKET_DEPS_CACHE_DIR: depsCacheDir, SPROCKET_JOB_POLL_MS: "50" }),
  );
  try {
    const auth = (await (
      await fetch(`${server.url}/localdevauth/v1/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ encodedOAuthRefreshToken: server.bootstrap.info.personalAccessKey }),
      })
    ).json()) as { oauthAccessToken: string };
    const headers = { authorization: `Bearer ${auth.oauthAccessToken}` };
    const call = async (method: string, url: string, body?: FormData | object) => {
      const init: RequestInit = {
        method,
        headers: { ...headers, ...(body && !(body instanceof FormData) ? { "content-type": "application/json" } : {}) },
      };
      if (body) init.body = body instanceof FormData ? body : JSON.stringify(body);
      return (await fetch(server.url + url, init)).json() as Promise<any>;
    };
    // Status is asked every 20 ms, not in a tight loop: on two shared cores the polling would take the build's CPU.
    const poll = async (url: string) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return call("GET", url);
    };
    await call("POST", "/developer/projects/v1", { name: "seed-example" });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const zip = await zipDirectory(path.join(project, "src"), { ignore: hubspotUploadIgnore });
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(zip)]), "p.zip");
      form.set("platformVersion", "2023.2");
      const { buildId } = await call("POST", "/dfs/v1/projects/upload/seed-example", form);
      let build: any;
      do build = await poll(`/dfs/v1/projects/seed-example/builds/${buildId}/status`);
      while ((build.status !== "SUCCESS" && build.status !== "FAILURE") || (build.status === "SUCCESS" && !build.autoDeployId));
      if (build.status !== "SUCCESS") throw new Error(`build failed: ${JSON.stringify(build.subbuildStatuses)}`);
      let deploy: any;
      do deploy = await poll(`/dfs/deploy/v1/deploy-status/projects/seed-example/deploys/${build.autoDeployId}`);
      while (deploy.status !== "SUCCESS" && deploy.status !== "FAILURE");
      if (deploy.status !== "SUCCESS") throw new Error("deploy failed");
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function validation(project: string): Promise<number> {
  const t0 = performance.now();
  validateProject(await loadProjectFromDir(project));
  return performance.now() - t0;
}

const warmCache = path.join(os.tmpdir(), "sprocket-bench-deps-cache");
const rows: { n: number; validationMs: number; warmMs: number; runs: number[] }[] = [];
let coldMs = 0;
for (const n of SIZES) {
  const project = writeSizedProject(n);
  try {
    // The first validation in the process also compiles the validator (zod schemas, JIT): not part of the baseline.
    await validation(project);
    const validations: number[] = [];
    for (let i = 0; i < RUNS; i++) validations.push(await validation(project));
    await pipeline(project, warmCache, 1); // fills the cache if this is the first run on the machine
    const warm = await pipeline(project, warmCache, RUNS);
    rows.push({ n, validationMs: median(validations), warmMs: median(warm), runs: warm });
    console.log(`n=${n}: validation ${ms(median(validations))}, upload → deployed warm ${warm.map(ms).join(", ")}`);
    if (n === SIZES[0]) {
      // The server creates the cache folder itself, readable by the builds' own uids; mkdtemp's 0700 folder is not.
      const coldRoot = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-cold-"));
      fs.chmodSync(coldRoot, 0o755);
      coldMs = (await pipeline(project, path.join(coldRoot, "deps"), 1))[0]!;
      fs.rmSync(coldRoot, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

for (const r of rows) {
  console.log(
    `n=${r.n} cards and functions: validation alone ${ms(r.validationMs)}, upload → deployed warm ${ms(r.warmMs)} (median of ${RUNS}: ${r.runs.map((t) => t.toFixed(0)).join(", ")}), ratio ${(r.warmMs / r.validationMs).toFixed(1)}x`,
  );
}
console.log(`upload → deployed, n=${SIZES[0]}, cold dependency cache (npm installs), once: ${ms(coldMs)}`);
const first = rows[0]!;
const last = rows[rows.length - 1]!;
const growth = last.warmMs / first.warmMs;
console.log(`warm pipeline at n=${last.n} / n=${first.n}: ${growth.toFixed(1)}x for ${last.n / first.n}x the components`);

const xLabel = "cards and functions (n each)";
writeResult({
  bench: "build",
  command: "npx tsx --conditions=sprocket-source bench/build/run.ts",
  measuredAt: new Date().toISOString(),
  machine: machine(startLoad),
  series: [
    {
      id: "deployed",
      title: "upload → deployed, warm dependency cache",
      unit: "ms",
      xLabel,
      points: rows.map((r) => ({ x: r.n, y: Math.round(r.warmMs) })),
    },
    {
      id: "validation",
      title: "validation alone (load + validate)",
      unit: "ms",
      xLabel,
      points: rows.map((r) => ({ x: r.n, y: Number(r.validationMs.toFixed(1)) })),
    },
  ],
  ratios: [
    ...rows.map((r) => ({
      id: `ratio-${r.n}`,
      title: `upload → deployed / validation at n=${r.n}`,
      value: Number((r.warmMs / r.validationMs).toFixed(1)),
      met: true,
    })),
    { id: "cold-ms", title: `upload → deployed at n=${SIZES[0]}, cold dependency cache (ms)`, value: Math.round(coldMs), met: true },
    // A build is bundling per card and per function: no worse than proportional to their number.
    {
      id: "growth",
      title: `upload → deployed at n=${last.n} / n=${first.n} (${last.n / first.n}x the components)`,
      value: Number(growth.toFixed(1)),
      goal: last.n / first.n,
      met: growth <= last.n / first.n,
    },
  ],
});
