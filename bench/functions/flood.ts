/**
 * F10: what a runner flooding its channel to the server costs the server. A function sends a 40 MB message 12 times
 * (the review's attack; the runner's own memory limits are raised so that it can) and the server's event-loop delay and
 * resident-memory high-water are measured around it.
 * Run: npx tsx --conditions=sprocket-source bench/functions/flood.ts
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRunnerPool, type FunctionContext } from "@sprocket/runtime";

const scratch = mkdtempSync(path.join(tmpdir(), "sprocket-bench-flood-"));
chmodSync(scratch, 0o755);
const bundleDir = path.join(scratch, "build");
// Both channels: Node's IPC (process.send) where it exists, else frames on fd 3 (frames.ts) with a 40 MB declared body.
mkdirSync(bundleDir);
writeFileSync(
  path.join(bundleDir, "flood.js"),
  `const fs = require("fs");
exports.main = async () => {
  const big = 40 * 1024 * 1024;
  for (let i = 0; i < 12; i++) {
    if (process.send) process.send({ type: "log", id: 1, level: "log", message: "x".repeat(big), ts: 0 });
    else {
      const head = Buffer.from(JSON.stringify({ type: "log", id: 1, level: "log", ts: 0 }));
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32BE(4 + head.length + big, 0);
      prefix.writeUInt32BE(head.length, 4);
      fs.writeSync(3, Buffer.concat([prefix, head, Buffer.alloc(big, 120)]));
    }
  }
  return "done";
};
`,
);
const context: FunctionContext = {
  parameters: {},
  propertiesToSend: {},
  event: { type: "SERVERLESS_ACTION_HOOK", payload: {} },
  secrets: { PRIVATE_APP_ACCESS_TOKEN: "pat-na1-bench", HS_ENVIRONMENT: "PROD", HS_HUBLET: "na1", HS_SERVERLESS_FUNCTION_ID: "1" },
  accountId: 1,
};
const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits: { timeoutMs: 60_000, heapMb: 1024, rssMb: 4096 } });
const request = { buildKey: "flood", accountId: 1, bundleDir, file: "flood.js", functionName: "flood", context };
await pool.prewarm(request.buildKey, bundleDir, request.accountId);

const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const result = await pool.invoke(request);
delay.disable();
clearInterval(sampler);
await pool.close();
console.log(`outcome ${result.outcome}: ${result.error?.message ?? ""}`);
console.log(`event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`);
console.log(`server RSS ${Math.round(rssBefore / 2 ** 20)} MB before, high-water ${Math.round(rssPeak / 2 ** 20)} MB`);
