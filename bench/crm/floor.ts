// What a CRM get's bytes cost on their own: the bare route of bench/crm, the same route answering with our get's very
// bytes (its twelve headers, HubSpot's seven rate-limit headers among them, and its body), and our get, in rotating
// rounds, main-thread CPU per request split into user and kernel time. The kernel's part holds the socket's write,
// which the profile's wall time showed as twice the bare route's. Not part of bench/run.mjs: a tool for finding
// where the floor is, not a figure.
import os from "node:os";
import { benchApp } from "../support/bench-app";
import { bareRoute } from "../support/bare-route";
import { startBenchServer } from "../support/bench-server";
import { load, type LoadResult } from "../support/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 11);

const server = await startBenchServer();
const { token, contactId: id } = await benchApp(server.platform, server.url, 100_000_000);
const headers = { authorization: `Bearer ${token}` };
const oursUrl = `${server.url}/crm/v3/objects/contacts/${id}`;
const sample = await fetch(oursUrl, { headers });
const body = await sample.text();
const rateLimitHeaders = [...sample.headers].filter(([name]) => name.startsWith("x-hubspot-ratelimit-"));

const bare = bareRoute(server.platform.config.dataDir);
// The same read, then our get's headers and body: what the bare route would cost if it sent what HubSpot's API sends.
bare.app.get<{ Params: { id: string } }>("/same-bytes/:id", async (req, reply) => {
  bare.read(Number(req.params.id));
  for (const [name, value] of rateLimitHeaders) reply.header(name, value);
  return reply.type("application/json").send(body);
});
const bareBase = await bare.listen();

const sides = [
  { label: "bare route", run: () => load(`${bareBase}/doc/${id}`, { seconds }) },
  { label: "bare route, our bytes", run: () => load(`${bareBase}/same-bytes/${id}`, { seconds }) },
  { label: "our get", run: () => load(oursUrl, { seconds, headers }) },
];
for (const side of sides) await side.run();
const results: LoadResult[][] = sides.map(() => []);
for (let i = 0; i < rounds; i++) for (const [s, side] of sides.entries()) results[s]!.push(await side.run());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// System time comes in 10 ms ticks, a few per round: its mean over the rounds, not a median of a few ticks.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; main-thread CPU per request, medians of ${rounds} rounds of ${seconds} s\n`,
);
for (const [s, side] of sides.entries()) {
  const rs = results[s]!;
  // Paired with the bare route's round of the same rotation, as bench/crm's ratio is.
  const ratio = median(rs.map((r, i) => results[0]![i]!.serverCpuUs! / r.serverCpuUs!));
  process.stdout.write(
    `${side.label.padEnd(22)} ${median(rs.map((r) => r.serverCpuUs!)).toFixed(1)} µs (kernel ${mean(rs.map((r) => r.serverSysUs!)).toFixed(1)} on average), bare/this ${ratio.toFixed(2)}, ${Math.round(median(rs.map((r) => r.requestsPerSec)))} req/s\n`,
  );
}
await bare.close();
await server.stop();
