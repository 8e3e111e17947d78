// Where a CRM get's server-thread time goes: node:inspector's CPU profiler (100 µs sampling) around one load round
// against the real server, then one against the bare Fastify route, in the same process. Prints each function's
// self time per request (its samples' time over the requests served), the largest first. Not part of bench/run.mjs:
// a tool for finding cost, not a figure.
import { Session } from "node:inspector/promises";
import { buildApp, type Platform } from "@sprocket/server";
import type { AppPrincipal } from "../../packages/server/src/apps/app-tokens";
import { BENCH_APP_SCOPES, benchApp } from "../support/bench-app";
import { bareRoute } from "../support/bare-route";
import { startBenchServer } from "../support/bench-server";
import { load } from "../support/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const top = Number(process.env.PROFILE_TOP ?? 40);
// PROFILE=auth: the gated server against its ungated twin (as bench/auth, API-call log off), instead of the bare route.
const gate = process.env.PROFILE === "auth";

const server = await startBenchServer({}, gate ? { recordApiCalls: false } : {});
const p = server.platform;
const { accountId, appId, token, contactId: id } = await benchApp(p, server.url, 100_000_000);
const headers = { authorization: `Bearer ${token}` };

const bare = bareRoute(p.config.dataDir);
let bareUrl = `${await bare.listen()}/doc/${id}`;
const twin = gate
  ? await buildApp({
      ...p,
      authenticators: {
        ...p.authenticators,
        app: (_p, request) => {
          request.app = { appId, accountId, tokenId: 0, scopes: new Set(BENCH_APP_SCOPES) } satisfies AppPrincipal;
        },
      },
    } satisfies Platform)
  : undefined;
if (twin) {
  await twin.listen({ port: 0, host: "127.0.0.1" });
  bareUrl = `http://127.0.0.1:${(twin.server.address() as { port: number }).port}/crm/v3/objects/contacts/${id}`;
}
const oursUrl = `${server.url}/crm/v3/objects/contacts/${id}`;

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });

async function profile(label: string, url: string, h: Record<string, string> = {}) {
  await load(url, { seconds: 2, headers: h });
  await session.post("Profiler.start");
  const r = await load(url, { seconds, headers: h });
  const { profile } = await session.post("Profiler.stop");
  const requests = r.requestsPerSec * seconds;
  const nodes = new Map<number, Node>((profile.nodes as Node[]).map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples!;
  const deltas = profile.timeDeltas!;
  for (let i = 0; i < samples.length; i++) {
    const { functionName, url: file, lineNumber } = nodes.get(samples[i]!)!.callFrame;
    const key = `${functionName || "(anonymous)"} ${file.replace(/^.*\/(node_modules|packages)\//, "$1/")}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, t]) => s + t, 0);
  const idle = self.get("(idle) :0") ?? 0;
  process.stdout.write(
    `\n${label}: ${Math.round(requests)} requests, ${((total - idle) / requests).toFixed(1)} µs busy per request (profiler's count), ${r.errors + r.non2xx} errors\n`,
  );
  for (const [key, t] of rows.slice(0, top)) process.stdout.write(`${(t / requests).toFixed(2).padStart(7)} µs  ${key}\n`);
  if (process.env.PROFILE_OUT)
    (await import("node:fs")).writeFileSync(`${process.env.PROFILE_OUT}-${label}.cpuprofile`, JSON.stringify(profile));
}

await profile(gate ? "ungated" : "bare", bareUrl, gate ? headers : {});
await profile("ours", oursUrl, headers);
session.disconnect();
await bare.close();
await twin?.close();
await server.stop();
