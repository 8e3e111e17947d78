/**
 * Observability costs, baselines measured in the same run:
 * - CRM API throughput (GET /crm/v3/objects/contacts with an app token) with API-call logging on against off
 *   (`recordApiCalls: false`), alternating rounds so that drift hits both alike; expected ratio >= 0.9.
 * - trace lookup (GET /api/v1/traces/:id over HTTP) with a million stored log events: median latency.
 * Run: npx tsx --conditions=sprocket-source bench/logs/run.ts   (BENCH_SECONDS=3 per round, BENCH_EVENTS=1000000; SPROCKET_DATABASE_URL for PostgreSQL)
 */
import { performance } from "node:perf_hooks";
import { startBenchServer } from "../support/bench-server";
import { fmt, load, printRatio } from "../support/load";
import { createTestApp } from "../../packages/server/test/support/test-apps";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const LOOKUPS = 200;
const dbEnv = process.env.SPROCKET_DATABASE_URL ? { SPROCKET_DATABASE_URL: process.env.SPROCKET_DATABASE_URL } : {};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A server whose app may call without hitting HubSpot's rate limits, with a few contacts to read. */
async function crmServer(logApiCalls: boolean) {
  const server = await startBenchServer(dbEnv, { recordApiCalls: logApiCalls });
  const accountId = server.bootstrap.info.accountId;
  await server.platform.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 1e9, api_limit_daily: 1e12 })
    .where("id", "=", accountId)
    .execute();
  const { token } = await createTestApp(server.platform, accountId, {
    scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
  });
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { email: `bench${i}@example.com`, firstname: `Bench ${i}` } }),
    });
    if (res.status !== 201) throw new Error(`creating a contact failed: ${res.status} ${await res.text()}`);
  }
  return { server, url: `${server.url}/crm/v3/objects/contacts?limit=10`, headers: { authorization: `Bearer ${token}` } };
}

const on = await crmServer(true);
const off = await crmServer(false);
await load(on.url, { seconds: 1, headers: on.headers });
await load(off.url, { seconds: 1, headers: off.headers });
// Short alternating pairs (off/on, then on/off): on a busy machine load drifts, and a pair sees the same load.
const ROUNDS = 6;
const ratios: number[] = [];
const rates = { on: [] as number[], off: [] as number[] };
let failures = 0;
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const);
  const pair: Record<string, number> = {};
  for (const name of order) {
    const s = name === "on" ? on : off;
    const r = await load(s.url, { seconds, headers: s.headers });
    pair[name] = r.requestsPerSec;
    rates[name].push(r.requestsPerSec);
    failures += r.errors + r.non2xx;
  }
  ratios.push(pair.on! / pair.off!);
}
await on.server.platform.logs.flush();
const logged = await on.server.platform.store.db
  .selectFrom("api_calls")
  .select((eb) => eb.fn.countAll().as("n"))
  .executeTakeFirstOrThrow();
process.stdout.write(
  `  pairs on/off: ${ratios.map((r) => r.toFixed(2)).join(", ")}; failed requests ${failures}; API calls logged ${fmt(Number(logged.n))}\n`,
);
printRatio("CRM API throughput, logging on vs off (median of pairs)", median(rates.on), median(rates.off), "req/s");
process.stdout.write(`  median pair ratio ${median(ratios).toFixed(2)} (expected >= 0.9)\n`);
await off.server.stop();
await on.server.stop();

// Trace lookup: a million events in 250,000 traces of four (render, log line, function run, API call).
const server = await startBenchServer(dbEnv);
const accountId = server.bootstrap.info.accountId;
const { appId } = await createTestApp(server.platform, accountId, { scopes: [] });
const db = server.platform.store.db;
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const traceOf = (i: number) => hex(i * 2654435761 + 0x1234567, 32);
const BATCH = 500;
const traces = Math.ceil(EVENTS / 4);
const start = Date.now() - 86_400_000;
const fillStarted = performance.now();
for (let first = 0; first < traces; first += BATCH) {
  const ids = Array.from({ length: Math.min(BATCH, traces - first) }, (_, k) => first + k);
  const at = (i: number) => start + i;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("extension_events")
      .values(
        ids.flatMap((i) =>
          (["RENDER_SUCCESS", "LOG"] as const).map((kind) => ({
            account_id: accountId,
            app_id: appId,
            user_id: 1,
            card_uid: "deal-card",
            location: "crm.record.tab",
            object_type_id: "0-3",
            object_id: String(i),
            kind,
            level: "INFO" as const,
            message: kind === "LOG" ? "loading" : "",
            duration_ms: 120,
            trace_id: traceOf(i),
            span_id: hex(i, 16),
            parent_span_id: null,
            created_at: at(i),
          })),
        ),
      )
      .execute();
    await trx
      .insertInto("function_runs")
      .values(
        ids.map((i) => ({
          account_id: accountId,
          app_id: appId,
          build_id: 1,
          function_name: "get-data",
          outcome: "SUCCESS",
          duration_ms: 80,
          peak_rss_bytes: 5e7,
          logs: "[]",
          error_type: null,
          error_message: null,
          error_stack: null,
          trace_id: traceOf(i),
          span_id: hex(i + 1e9, 16),
          parent_span_id: hex(i, 16),
          invoker_user_id: 1,
          invoker_label: "bench",
          created_at: at(i) + 10,
        })),
      )
      .execute();
    await trx
      .insertInto("api_calls")
      .values(
        ids.map((i) => ({
          account_id: accountId,
          app_id: appId,
          token_id: 1,
          method: "GET",
          path: "/crm/v3/objects/deals",
          query: "",
          status: 200,
          duration_ms: 12,
          user_agent: null,
          address: "127.0.0.1",
          trace_id: traceOf(i),
          span_id: hex(i + 2e9, 16),
          parent_span_id: hex(i + 1e9, 16),
          request_headers: null,
          request_body: null,
          response_body: null,
          created_at: at(i) + 20,
        })),
      )
      .execute();
  });
}
const fillSeconds = (performance.now() - fillStarted) / 1000;

const key = server.bootstrap.info.personalAccessKey;
const auth = (await (
  await fetch(`${server.url}/localdevauth/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ encodedOAuthRefreshToken: key }),
  })
).json()) as { oauthAccessToken: string };
const headers = { authorization: `Bearer ${auth.oauthAccessToken}` };
const samples: number[] = [];
for (let n = 0; n < LOOKUPS + 20; n++) {
  const i = Math.floor(Math.random() * traces);
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/v1/private-apps/${appId}/traces/${traceOf(i)}`, { headers });
  const body = (await res.json()) as { eventCount: number };
  const elapsed = performance.now() - t0;
  if (res.status !== 200 || body.eventCount !== 4) throw new Error(`trace lookup failed: ${res.status} ${JSON.stringify(body)}`);
  if (n >= 20) samples.push(elapsed);
}
process.stdout.write(`  stored ${fmt(traces * 4)} events in ${fmt(fillSeconds, 1)} s (${server.platform.store.engine})\n`);
process.stdout.write(
  `Trace lookup with ${fmt(traces * 4)} stored events: median ${fmt(median(samples), 2)} ms, p95 ${fmt([...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)]!, 2)} ms over ${LOOKUPS} lookups\n`,
);
await server.stop();
