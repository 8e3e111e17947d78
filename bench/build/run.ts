// Upload → deployed for seed-example on a real server (SQLite, loopback HTTP), against the validation step alone.
// Warm: the dependency cache already holds the seed's packages (median of several runs). Cold: an empty cache, once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECTS_DIR } from "../../fixtures/paths";
import { performance } from "node:perf_hooks";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { loadProjectFromDir, validateProject } from "@sprocket/project-format";
import { loadConfig, startServer } from "@sprocket/server";

const SEED = path.join(PROJECTS_DIR, "seed-example");
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function pipeline(depsCacheDir: string, runs: number): Promise<number[]> {
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
    await call("POST", "/developer/projects/v1", { name: "seed-example" });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const zip = await zipDirectory(path.join(SEED, "src"), { ignore: hubspotUploadIgnore });
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(zip)]), "p.zip");
      form.set("platformVersion", "2023.2");
      const { buildId } = await call("POST", "/dfs/v1/projects/upload/seed-example", form);
      let build: any;
      do build = await call("GET", `/dfs/v1/projects/seed-example/builds/${buildId}/status`);
      while ((build.status !== "SUCCESS" && build.status !== "FAILURE") || (build.status === "SUCCESS" && !build.autoDeployId));
      if (build.status !== "SUCCESS") throw new Error(`build failed: ${JSON.stringify(build.subbuildStatuses)}`);
      let deploy: any;
      do deploy = await call("GET", `/dfs/deploy/v1/deploy-status/projects/seed-example/deploys/${build.autoDeployId}`);
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

const validation: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  validateProject(await loadProjectFromDir(SEED));
  validation.push(performance.now() - t0);
}

const warmCache = path.join(os.tmpdir(), "sprocket-bench-deps-cache");
await pipeline(warmCache, 1); // fills the cache if this is the first run on the machine
const warm = await pipeline(warmCache, RUNS);
const coldCache = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-cold-"));
const [cold] = await pipeline(coldCache, 1);
fs.rmSync(coldCache, { recursive: true, force: true });

console.log(`validation alone (load + validate seed-example), median of ${RUNS}: ${ms(median(validation))}`);
console.log(
  `upload → deployed, warm dependency cache, median of ${RUNS}:    ${ms(median(warm))}  (runs: ${warm.map((t) => t.toFixed(0)).join(", ")})`,
);
console.log(`upload → deployed, cold dependency cache (npm installs), once:  ${ms(cold!)}`);
console.log(`ratio warm pipeline / validation alone: ${(median(warm) / median(validation)).toFixed(1)}x`);
