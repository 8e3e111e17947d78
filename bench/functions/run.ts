/**
 * Function runner overhead, baselines measured in the same run:
 * - warm: a trivial function through the pool (sandboxed child, framed pipe, JSON) vs called in-process;
 * - cold: first call of a new build (spawn + load + call) vs `node -e 0` (empty env: tsx puts
 *   its loader in NODE_OPTIONS, which would slow the baseline);
 * - HubSpot's own local executor (`executeFunction` in @hubspot/ui-extensions-dev-server: unsandboxed, in the caller's
 *   process, re-requiring the file on every call) on the same function, against Sprocket's sandboxed warm call.
 * Run: npx tsx --conditions=sprocket-source bench/functions/run.ts
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createRunnerPool, type FunctionContext, invokeInProcess } from "@sprocket/runtime";

const WARM_CALLS = 1_000;
const COLD_STARTS = 20;

// A copy: a pool running as root gives the build folder to the account's runner user (runner-identity.ts).
const bundleDir = path.join(mkdtempSync(path.join(tmpdir(), "sprocket-bench-build-")), "build");
cpSync(fileURLToPath(new URL("../../packages/runtime/test/fixtures/functions", import.meta.url)), bundleDir, { recursive: true });
chmodSync(path.dirname(bundleDir), 0o755);
const file = "hello.js";
const context: FunctionContext = {
  parameters: { name: "bench" },
  propertiesToSend: {},
  event: { type: "SERVERLESS_ACTION_HOOK", payload: {} },
  secrets: { PRIVATE_APP_ACCESS_TOKEN: "pat-na1-bench", HS_ENVIRONMENT: "PROD", HS_HUBLET: "na1", HS_SERVERLESS_FUNCTION_ID: "1" },
  accountId: 1,
};

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(fn: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", warmPerBuild: 1 });
const request = { buildKey: "bench-warm", accountId: 1, bundleDir, file, functionName: "hello", context };
const check = (result: { outcome: string }) => {
  if (result.outcome !== "SUCCESS") throw new Error(`benchmark call failed: ${JSON.stringify(result)}`);
};

// Warm-up both paths (JIT, module cache, started runner).
await pool.prewarm(request.buildKey, bundleDir, request.accountId);
await time(async () => check(await pool.invoke(request)), 100);
await time(async () => check(await invokeInProcess(path.join(bundleDir, file), context)), 100);

const inProcess = median(await time(async () => check(await invokeInProcess(path.join(bundleDir, file), context)), WARM_CALLS));
const warm = median(await time(async () => check(await pool.invoke(request)), WARM_CALLS));

// HubSpot's executor reads a 2025.1 app folder: app.functions/serverless.json beside the function file.
const hubspotApp = mkdtempSync(path.join(tmpdir(), "sprocket-bench-hs-"));
mkdirSync(path.join(hubspotApp, "app.functions"));
copyFileSync(path.join(bundleDir, file), path.join(hubspotApp, "app.functions", file));
writeFileSync(
  path.join(hubspotApp, "app.functions", "serverless.json"),
  JSON.stringify({ appFunctions: { hello: { file, secrets: [] } } }),
);
const { executeFunction } = (await import(
  "../../node_modules/@hubspot/ui-extensions-dev-server/dist/lib/serverless/executor.js" as string
)) as {
  executeFunction: (
    config: object,
    name: string,
    inputs: object,
    reply: (result: { message?: string }) => void,
    tokens: undefined,
  ) => Promise<void>;
};
const quiet = () => undefined;
const hubspotConfig = {
  platformVersion: "2025.1",
  app: { path: hubspotApp },
  accountId: 1,
  functionTimeoutMs: 15_000,
  logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
};
// It hands the function's answer to a callback.
const viaHubSpot = async () => {
  let answer: { message?: string } | undefined;
  await executeFunction(hubspotConfig, "hello", { parameters: context.parameters }, (result) => void (answer = result), undefined);
  if (answer?.message !== "Hello, bench") throw new Error(`HubSpot's executor answered ${JSON.stringify(answer)}`);
};
await time(viaHubSpot, 100);
const hubspotExecutor = median(await time(viaHubSpot, WARM_CALLS));

const coldSamples: number[] = [];
for (let i = 0; i < COLD_STARTS; i++) {
  const buildKey = `bench-cold-${i}`;
  coldSamples.push(...(await time(async () => check(await pool.invoke({ ...request, buildKey })), 1)));
  await pool.evict(buildKey);
}
const cold = median(coldSamples);
const bareNode = median(
  await time(
    () => new Promise((resolve, reject) => spawn(process.execPath, ["-e", "0"], { env: {} }).on("exit", resolve).on("error", reject)),
    COLD_STARTS,
  ),
);
await pool.close();

const ms = (value: number) => `${value.toFixed(3)} ms`;
console.log(`warm call through the pool   median ${ms(warm)}  (${WARM_CALLS} calls)`);
console.log(`in-process call (no sandbox) median ${ms(inProcess)}`);
console.log(`cold first call of a build   median ${ms(cold)}  (${COLD_STARTS} builds)`);
console.log(`node -e 0                    median ${ms(bareNode)}`);
console.log(`warm overhead per call: ${ms(warm - inProcess)}; warm / in-process = ${(warm / inProcess).toFixed(1)}x`);
console.log(`cold first call / node -e 0 = ${(cold / bareNode).toFixed(2)}x`);
console.log(`HubSpot's local executor      median ${ms(hubspotExecutor)} (unsandboxed, in-process)`);
console.log(`Sprocket sandboxed warm call / HubSpot's executor = ${(warm / hubspotExecutor).toFixed(2)}x`);
