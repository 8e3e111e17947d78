// Where a CRM get's server-thread CPU goes, by part, from `perf record -e cpu-clock` on the server thread alone: the
// bare route, our get, and our get on a server without the API-call log, in rotating rounds in one process
// (PROFILE=auth: as bench/auth, the API-call log off, the gated get against its ungated twin). perf's
// cpu-clock samples a thread only while it runs, so unlike bench/crm/profile.ts (node:inspector, wall time) a thread
// waiting for a core or descheduled inside the loopback send is not counted. Each sample goes to the part of the
// innermost frame of its stack that a rule below names (so the JSON.stringify called by the handler is "json", not
// "handler"), in µs per request. Needs perf, permission to profile (root or perf_event_paranoid ≤ 1) and JIT symbols:
//   NODE_OPTIONS=--perf-basic-prof npx tsx --conditions=sprocket-source bench/crm/cpu-parts.ts
// perf's sampling adds its own cost to every side (about a fifth at 2,999 Hz); read differences between sides.
// Not part of bench/run.mjs: a tool for finding cost, not a figure.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildApp, type Platform } from "@sprocket/server";
import type { AppPrincipal } from "../../packages/server/src/apps/app-tokens";
import { BENCH_APP_SCOPES, benchApp } from "../support/bench-app";
import { bareRoute } from "../support/bare-route";
import { startBenchServer } from "../support/bench-server";
import { load } from "../support/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const frequency = Number(process.env.PERF_FREQUENCY ?? 2999);
if (!(process.env.NODE_OPTIONS ?? "").includes("--perf-basic-prof"))
  throw new Error("Run with NODE_OPTIONS=--perf-basic-prof: without it perf cannot name JavaScript frames");

// The first rule matching a frame, from the stack's leaf towards its root, names the sample's part.
const PARTS: Array<[string, RegExp]> = [
  ["garbage collector", /v8::internal::(Heap::|Scavenger|MinorMarkSweep|MarkCompact|Sweeper|ConcurrentMarking)/],
  ["kernel: writev (loopback TCP send)", /^(do_writev|sock_write_iter|tcp_sendmsg|__x64_sys_writev)/],
  ["kernel: read", /^(ksys_read|vfs_read|__x64_sys_read)$/],
  ["kernel: fcntl (SQLite locks)", /^(__x64_sys_fcntl|do_fcntl)/],
  ["kernel: scheduler, interrupts", /^(finish_task_switch|irqentry_exit|asm_sysvec|__schedule)/],
  ["kernel: other system calls (epoll, futex…)", /^(do_syscall_64|entry_SYSCALL)/],
  ["API-call log: postMessage to the writer", /postMessage|ValueSerializer|MessagePort/],
  ["API-call log: recorder, sink, trace ids", /api-call-recorder|log-sink|trace-context|log-writer/],
  ["gate: token, scopes, limits, their headers", /app-auth\.ts|rate-limits\.ts|app-tokens\.ts|limit-plans\.ts/],
  ["Node: header lines (writeHead)", /_storeHeader|JS:\*writeHead |processHeader|checkInvalidHeaderChar|checkIsHttpToken/],
  ["JSON.stringify", /JsonStringifier/],
  ["JSON.parse", /JsonParser|Builtin_JsonParse/],
  ["SQLite (better-sqlite3 and its row)", /better_sqlite3|sqlite3|Statement::JS_|Data::Get/],
  ["the get's own JavaScript (read, view)", /object-reads|object-view|object-routes|sqlite-now|iso-time|property-service/],
  ["timers (jobs, sink, snapshot)", /processTimers|listOnTimeout|processImmediate/],
  ["Node: HTTP parser (llhttp)", /llhttp|Parser::Execute|Parser::On/],
  ["Fastify: routing, hooks, reply", /fastify|find-my-way|compiledLookup|subtree_/],
  ["Node: HTTP, streams, sockets", /node:_http|node:internal\/streams|stream_base|node:net|node:events/],
];
const OTHER = "other (libuv, malloc, V8 runtime)";

const gate = process.env.PROFILE === "auth";
const server = await startBenchServer({}, gate ? { recordApiCalls: false } : {});
const { accountId, appId, token, contactId: id } = await benchApp(server.platform, server.url, 100_000_000);
const unlogged = gate ? undefined : await startBenchServer({}, { recordApiCalls: false });
const twin = unlogged ? await benchApp(unlogged.platform, unlogged.url, 100_000_000) : undefined;
// The gated server's own parts with an authenticator that only sets the principal, as bench/auth's ungated side.
const ungated = gate
  ? await buildApp({
      ...server.platform,
      authenticators: {
        ...server.platform.authenticators,
        app: (_p, request) => {
          request.app = { appId, accountId, tokenId: 0, scopes: new Set(BENCH_APP_SCOPES) } satisfies AppPrincipal;
        },
      },
    } satisfies Platform)
  : undefined;
await ungated?.listen({ port: 0, host: "127.0.0.1" });
const bare = bareRoute(server.platform.config.dataDir);
const bareUrl = `${await bare.listen()}/doc/${id}`;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cpu-parts-"));

const headers = { authorization: `Bearer ${token}` };
const getPath = `/crm/v3/objects/contacts/${id}`;
const sides = ungated
  ? [
      { label: "ungated", url: `http://127.0.0.1:${(ungated.server.address() as { port: number }).port}${getPath}`, headers },
      { label: "gated", url: server.url + getPath, headers },
    ]
  : [
      { label: "bare route", url: bareUrl, headers: {} },
      { label: "our get", url: server.url + getPath, headers },
      {
        label: "our get, no API-call log",
        url: `${unlogged!.url}/crm/v3/objects/contacts/${twin!.contactId}`,
        headers: { authorization: `Bearer ${twin!.token}` },
      },
    ];

function partOf(stack: string[]): string {
  for (const frame of stack) for (const [part, rule] of PARTS) if (rule.test(frame)) return part;
  return OTHER;
}

/** µs per request by part, and the sampled total, for one round of one side. */
async function profiledRound(side: (typeof sides)[number], round: number): Promise<Map<string, number>> {
  await load(side.url, { seconds: 1, headers: side.headers });
  const data = path.join(scratch, `${round}-${sides.indexOf(side)}.data`);
  const perf = spawn("perf", ["record", "-q", "-e", "cpu-clock", "-F", String(frequency), "-g", "-t", String(process.pid), "-o", data], {
    stdio: "inherit",
  });
  await new Promise((r) => setTimeout(r, 300));
  const r = await load(side.url, { seconds, headers: side.headers });
  const exited = new Promise((r) => perf.on("exit", r));
  perf.kill("SIGINT");
  await exited;
  const requests = r.requestsPerSec * seconds;
  const script = execFileSync("perf", ["script", "-i", data, "-F", "ip,sym"], {
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  fs.rmSync(data);
  const usPerSample = 1e6 / frequency / requests;
  const parts = new Map<string, number>();
  for (const sample of script.split("\n\n")) {
    const stack = sample
      .split("\n")
      .map((line) => line.trim().replace(/^\S+\s+/, ""))
      .filter((frame) => frame.length > 0);
    if (stack.length === 0) continue;
    const part = partOf(stack);
    parts.set(part, (parts.get(part) ?? 0) + usPerSample);
    parts.set("total", (parts.get("total") ?? 0) + usPerSample);
  }
  return parts;
}

const results = sides.map(() => [] as Array<Map<string, number>>);
for (let i = 0; i < rounds; i++) for (const [s, side] of sides.entries()) results[s]!.push(await profiledRound(side, i));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const partNames = ["total", ...PARTS.map(([part]) => part), OTHER];
const cell = (s: number, part: string) => median(results[s]!.map((m) => m.get(part) ?? 0));
process.stdout.write(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}; perf cpu-clock samples of the server thread at ${frequency} Hz, µs per request, medians of ${rounds} rounds of ${seconds} s\n\n`,
);
process.stdout.write(`| part | ${sides.map((s) => s.label).join(" | ")} |\n|---|${sides.map(() => "---:").join("|")}|\n`);
for (const part of partNames.sort((a, b) => (a === "total" ? -1 : b === "total" ? 1 : cell(1, b) - cell(1, a))))
  process.stdout.write(`| ${part} | ${sides.map((_, s) => cell(s, part).toFixed(2)).join(" | ")} |\n`);
fs.rmSync(scratch, { recursive: true, force: true });
await bare.close();
await ungated?.close();
await server.stop();
await unlogged?.stop();
