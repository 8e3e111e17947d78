// The cost of the private-app gate: a CRM read through token auth, scope check and rate limit, against the very same
// server and handler without any of them (its principal fixed), measured in the same run, in alternating rounds.
import fs from "node:fs";
import os from "node:os";
import { buildApp, type Platform } from "@sprocket/server";
import type { AppPrincipal } from "../../packages/server/src/apps/app-tokens";
import { BENCH_APP_SCOPES, benchApp } from "../support/bench-app";
import { startBenchServer } from "../support/bench-server";
import { alternate, load, type LoadResult } from "../support/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const loadBefore = os.loadavg();
// The API-call log has its own benchmark (bench/logs); here it is off so only the gate is measured.
const server = await startBenchServer({}, { recordApiCalls: false });
const p = server.platform;

const { accountId, appId, token, contactId } = await benchApp(p, server.url, 1_000_000_000);

// The ungated side is this very server (buildApp on the same platform's parts: options, hooks, routes, handler), its
// authenticator map giving "app" one that only sets the principal: the ratio is the gate's cost alone.
const principal: AppPrincipal = { appId, accountId, tokenId: 0, scopes: new Set(BENCH_APP_SCOPES) };
const ungated: Platform = {
  ...p,
  authenticators: {
    ...p.authenticators,
    app: (_p, request) => {
      request.app = principal;
    },
  },
};
/** A side: this server's app built on `platform`, listening on a loopback port of its own. */
async function side(platform: Platform) {
  const app = await buildApp(platform);
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}
const { app: bare, url: bareUrl } = await side(ungated);

const path = `/crm/v3/objects/contacts/${contactId}`;
// Both sides get the very same request, token included (the ungated side ignores it): the ratio is then the checks'
// cost alone, not also the cost of receiving a header that one side's client did not send.
const headers = { authorization: `Bearer ${token}` };

// A third side, not in the goal's ratio: the ungated server sending the gated answer's seven X-HubSpot-RateLimit-*
// lines, as the gated side first sent them (same names, order and lengths). Against it, the gated side's extra cost is
// the checks' code alone; against the ungated side, it is what the seven lines cost to send (Node's header checks,
// the bytes, and the load generator's parsing of them on the same two cores).
const first = await fetch(server.url + path, { headers });
const rateLimitLines = [...first.headers].filter(([name]) => name.startsWith("x-hubspot-ratelimit-"));
const { app: sending, url: sendingUrl } = await side({
  ...ungated,
  authenticators: {
    ...ungated.authenticators,
    app: (_p, request, reply) => {
      request.app = principal;
      for (const [name, value] of rateLimitLines) reply.header(name, value);
    },
  },
});

// A fourth side, not in the goal's ratio: the least a gate keeping HubSpot's contract can do per call. One map
// lookup of the Authorization header, the route's scope check, one clock read for a 10-second window's reset, two
// counts and the seven lines, their counts read from a table; none of the real gate's scheme check, expiry,
// revocation, per-account plans, per-app windows, day keys or 429s. Against the ungated side it is the floor any gate starts from on this machine; the real gate over it is
// what ours does beyond that floor.
const leastTokens = new Map([[headers.authorization, principal]]);
const countTexts = Array.from({ length: 1000 }, (_, i) => String(i));
// The lines in HubSpot's order, which is also the order of their names (`Headers` iterates sorted).
type Line = [string, string];
if (rateLimitLines.length !== 7) throw new Error(`expected seven rate-limit lines, got ${rateLimitLines.length}`);
const [daily, dailyRemaining, interval, max, remaining, secondly, secondlyRemaining] = rateLimitLines as [
  Line,
  Line,
  Line,
  Line,
  Line,
  Line,
  Line,
];
let windowEnds = 0;
let intervalCalls = 0;
let dayCalls = 0;
const { app: least, url: leastUrl } = await side({
  ...ungated,
  authenticators: {
    ...ungated.authenticators,
    app: (_p, request, reply, config) => {
      const app = leastTokens.get(request.headers.authorization ?? "");
      if (!app) throw new Error("unknown token");
      if (config.scopes && !config.scopes.some((s) => app.scopes.has(s))) throw new Error("missing scope");
      request.app = app;
      const now = Date.now();
      if (now >= windowEnds) {
        windowEnds = now + 10_000;
        intervalCalls = 0;
      }
      intervalCalls = (intervalCalls + 1) % 100;
      dayCalls = (dayCalls + 1) % 1000;
      reply.header(daily[0], daily[1]);
      reply.header(dailyRemaining[0], countTexts[999 - dayCalls]!);
      reply.header(interval[0], interval[1]);
      reply.header(max[0], max[1]);
      reply.header(remaining[0], countTexts[99 - intervalCalls]!);
      reply.header(secondly[0], secondly[1]);
      reply.header(secondlyRemaining[0], secondlyRemaining[1]);
    },
  },
});

await load(server.url + path, { seconds: 1, headers });
await load(bareUrl + path, { seconds: 1, headers });
await load(sendingUrl + path, { seconds: 1, headers });
await load(leastUrl + path, { seconds: 1, headers });
// Each round is the least gate, ungated, gated, then the lines: the goal's pair stays back to back as before, and the
// floor's pair (the least gate, ungated) is back to back too.
const withLines: LoadResult[] = [];
const leastGate: LoadResult[] = [];
const {
  ours: gated,
  baseline,
  ratio,
  cpu,
  rounds,
} = await alternate(
  async () => {
    const g = await load(server.url + path, { seconds, headers });
    withLines.push(await load(sendingUrl + path, { seconds, headers }));
    return g;
  },
  async () => {
    leastGate.push(await load(leastUrl + path, { seconds, headers }));
    return load(bareUrl + path, { seconds, headers });
  },
);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const linesCpu = withLines.every((r) => r.serverCpuUs) ? median(withLines.map((r) => r.serverCpuUs!)) : undefined;
// The checks' code: the third side over the gated one, each round's pair (adjacent rounds).
const codeRatio = linesCpu ? median(withLines.map((r, i) => r.serverCpuUs! / rounds.ours[i]!.serverCpuUs!)) : undefined;
// The floor: ungated over the least gate, and the least gate over ours, each round's own sides.
const leastCpu = leastGate.every((r) => r.serverCpuUs) ? median(leastGate.map((r) => r.serverCpuUs!)) : undefined;
const floorRatio = leastCpu ? median(leastGate.map((r, i) => rounds.baseline[i]!.serverCpuUs! / r.serverCpuUs!)) : undefined;
const beyondFloor = leastCpu ? median(leastGate.map((r, i) => r.serverCpuUs! / rounds.ours[i]!.serverCpuUs!)) : undefined;

const cost = 1 - ratio;
process.stdout.write(
  `CRM get-by-id: gated ${Math.round(gated.requestsPerSec)} req/s (p99 ${gated.p99Ms} ms), ungated ${Math.round(baseline.requestsPerSec)} req/s (p99 ${baseline.p99Ms} ms); errors ${gated.errors + gated.non2xx + baseline.errors + baseline.non2xx}\n`,
);
process.stdout.write(
  `ratio ${ratio.toFixed(2)}, median of paired rounds (token auth + scope check + rate limit cost ${(cost * 100).toFixed(1)}%)\n`,
);
if (cpu)
  process.stdout.write(
    `server thread CPU per request: gated ${cpu.ours.toFixed(1)} µs, ungated ${cpu.baseline.toFixed(1)} µs (medians), ratio ${cpu.ratio.toFixed(2)}\n`,
  );
if (linesCpu && codeRatio)
  process.stdout.write(
    `ungated sending the seven rate-limit lines ${linesCpu.toFixed(1)} µs (median); over gated ${codeRatio.toFixed(2)} (the checks' code alone, median of rounds)\n`,
  );
if (leastCpu && floorRatio && beyondFloor)
  process.stdout.write(
    `least gate ${leastCpu.toFixed(1)} µs (median); ungated over it ${floorRatio.toFixed(2)} (the floor for any gate), it over gated ${beyondFloor.toFixed(2)} (ours beyond the floor)\n`,
  );

const r = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
fs.mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
fs.writeFileSync(
  new URL("../results/auth.json", import.meta.url),
  `${JSON.stringify(
    {
      bench: "auth",
      command: `${process.env.BENCH_ROUNDS ? `BENCH_ROUNDS=${process.env.BENCH_ROUNDS} ` : ""}npx tsx --conditions=sprocket-source bench/auth/run.ts`,
      measuredAt: new Date().toISOString(),
      machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} at the start, ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end${process.env.BENCH_MACHINE_NOTE ? `, ${process.env.BENCH_MACHINE_NOTE}` : ""}`,
      series: [
        ...(cpu
          ? [
              {
                id: "get-cpu",
                title: "CRM get-by-id: server-thread CPU per request, gated and ungated (median round)",
                unit: "µs",
                xLabel: "contacts read",
                points: [
                  { x: 1, y: r(cpu.ours), label: "gated" },
                  { x: 1, y: r(cpu.baseline), label: "ungated" },
                ],
                baseline: r(cpu.baseline),
              },
            ]
          : []),
        {
          id: "get-throughput",
          title: "CRM get-by-id: requests per second, gated and ungated (median round)",
          unit: "req/s",
          xLabel: "contacts read",
          points: [
            { x: 1, y: Math.round(gated.requestsPerSec), label: "gated" },
            { x: 1, y: Math.round(baseline.requestsPerSec), label: "ungated" },
          ],
        },
      ],
      ratios: [
        ...(cpu
          ? [
              {
                id: "gate-cpu-ratio",
                title: "ungated over gated server-thread CPU per request (median of paired rounds)",
                value: r(cpu.ratio, 3),
                goal: 0.9,
                met: cpu.ratio >= 0.9,
              },
            ]
          : []),
        ...(codeRatio
          ? [
              {
                id: "gate-code-cpu-ratio",
                title: "ungated sending the seven rate-limit lines over gated server-thread CPU (the checks' code alone; no goal)",
                value: r(codeRatio, 3),
                met: true,
              },
            ]
          : []),
        ...(floorRatio && beyondFloor
          ? [
              {
                id: "gate-floor-cpu-ratio",
                title:
                  "ungated over the least gate keeping HubSpot's contract, server-thread CPU (the floor any gate starts from; no goal)",
                value: r(floorRatio, 3),
                met: true,
              },
              {
                id: "gate-beyond-floor-cpu-ratio",
                title: "the least gate over ours, server-thread CPU (what ours does beyond the floor; no goal)",
                value: r(beyondFloor, 3),
                met: true,
              },
            ]
          : []),
        {
          id: "gate-throughput-ratio",
          title: "gated over ungated throughput (median of paired rounds)",
          value: r(ratio, 3),
          goal: 0.9,
          met: ratio >= 0.9,
        },
      ],
    },
    null,
    2,
  )}\n`,
);

await bare.close();
await sending.close();
await least.close();
await server.stop();
