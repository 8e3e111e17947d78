// CRM API: get-by-id through the whole stack against a bare Fastify route serving the same stored JSON, search
// latency over 100,000 contacts on SQLite and PostgreSQL, and batch create per record against single creates.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { createAccount, seedCrm, type RunningServer } from "@sprocket/server";
import type { BenchResult } from "../report";
import { bareRoute } from "../support/bare-route";
import { startBenchServer } from "../support/bench-server";
import { alternate, fmt, load } from "../support/load";
import { provisionApps } from "../../packages/server/src/apps/provision";
import { revealAppToken } from "../../packages/server/src/apps/app-tokens";
import { ensureTestRole, TEST_ROLE, testRoleUrl } from "../../packages/server/test/support/test-database";

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const searchContacts = Number(process.env.BENCH_CONTACTS ?? 100_000);
const PG_ADMIN = process.env.SPROCKET_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const SCOPES = ["crm.objects.contacts.read", "crm.objects.contacts.write"];

/** An account with unthrottled limits and a private-app token, as a deploy would provision it. */
async function appToken(server: RunningServer): Promise<{ accountId: number; token: string }> {
  const p = server.platform;
  const { accountId } = await createAccount(p, { name: "bench", admin: { email: `bench-${randomBytes(4).toString("hex")}@example.com` } });
  await p.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 100_000_000, api_limit_daily: 1_000_000_000, search_limit_secondly: 1_000_000 })
    .where("id", "=", accountId)
    .execute();
  const app = { uid: "bench", name: "bench", description: "", scopes: SCOPES, cards: [], functions: [] };
  const { appIds } = await p.store.db
    .transaction()
    .execute((trx) => provisionApps(trx, p, { accountId, projectId: 1, buildId: 1, apps: [app] }));
  return { accountId, token: (await revealAppToken(p, appIds.bench!))! };
}

async function call(url: string, token: string, method = "GET", body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** What bench/results/crm.json holds, filled in as the parts run. */
const series: BenchResult["series"] = [];
const ratios: BenchResult["ratios"] = [];
const loadBefore = os.loadavg();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

// --- 1. get-by-id: whole stack vs a bare route returning the stored document -------------------------------------
{
  const server = await startBenchServer();
  const { token } = await appToken(server);
  const created = await call(`${server.url}/crm/v3/objects/contacts`, token, "POST", {
    properties: { email: "bench@example.com", firstname: "Bench", lastname: "Mark" },
  });
  const id = created.json.id as string;

  // Baseline: the same row from the same SQLite file, one prepared statement, no auth, no limits, no view.
  const bare = bareRoute(server.platform.config.dataDir);
  const bareUrl = `${await bare.listen()}/doc/${id}`;
  const oursUrl = `${server.url}/crm/v3/objects/contacts/${id}`;
  const headers = { authorization: `Bearer ${token}` };

  await load(bareUrl, { seconds: 1 });
  await load(oursUrl, { seconds: 1, headers });
  const { ours, baseline, ratio, cpu } = await alternate(
    () => load(oursUrl, { seconds, headers }),
    () => load(bareUrl, { seconds }),
  );
  process.stdout.write(
    `GET /crm/v3/objects/contacts/{id} throughput: ours ${fmt(ours.requestsPerSec)} req/s, baseline ${fmt(baseline.requestsPerSec)} req/s (median rounds), ratio ${ratio.toFixed(2)} (median of paired rounds)\n`,
  );
  process.stdout.write(`  p99: ours ${ours.p99Ms} ms, baseline ${baseline.p99Ms} ms; errors ${ours.errors + ours.non2xx}\n`);
  if (cpu)
    process.stdout.write(
      `  server thread CPU per request: ours ${fmt(cpu.ours, 1)} µs, baseline ${fmt(cpu.baseline, 1)} µs (medians), ratio ${cpu.ratio.toFixed(2)} (median of paired rounds)\n`,
    );
  if (cpu) {
    series.push({
      id: "get-cpu",
      title: "GET /crm/v3/objects/contacts/{id}: server-thread CPU per request (median round)",
      unit: "µs",
      xLabel: "contacts read",
      points: [
        { x: 1, y: round(cpu.ours), label: "Sprocket" },
        { x: 1, y: round(cpu.baseline), label: "bare Fastify route" },
      ],
      baseline: round(cpu.baseline),
    });
    ratios.push({
      id: "get-cpu-ratio",
      title: "get-by-id: bare route's CPU per request over ours (median of paired rounds)",
      value: round(cpu.ratio, 3),
      goal: 0.6,
      met: cpu.ratio >= 0.6,
    });
  }
  ratios.push({
    id: "get-throughput-ratio",
    title: "get-by-id: our throughput over the bare route's (median of paired rounds)",
    value: round(ratio, 3),
    met: ratio >= 0.6,
    goal: 0.6,
  });

  // --- 3. batch create of 100 vs 100 single creates, per record ---------------------------------------------------
  let n = 0;
  const batch = await timed(
    () =>
      call(`${server.url}/crm/v3/objects/contacts/batch/create`, token, "POST", {
        inputs: Array.from({ length: 100 }, () => ({
          properties: { email: `b${n++}@bench.io`, firstname: "B", lastname: "C", lifecyclestage: "lead" },
        })),
      }),
    20,
  );
  const single = await timed(
    () =>
      call(`${server.url}/crm/v3/objects/contacts`, token, "POST", {
        properties: { email: `s${n++}@bench.io`, firstname: "S", lastname: "C", lifecyclestage: "lead" },
      }),
    300,
  );
  const perRecordBatch = median(batch) / 100;
  const perRecordSingle = median(single);
  series.push({
    id: "create-per-record",
    title: "Create: time per record, batch of 100 against single creates",
    unit: "ms",
    xLabel: "records per call",
    points: [
      { x: 1, y: round(perRecordSingle, 3) },
      { x: 100, y: round(perRecordBatch, 3) },
    ],
  });
  process.stdout.write(
    `batch create (100 records): ${fmt(perRecordBatch, 3)} ms per record, single create ${fmt(perRecordSingle, 3)} ms per record, ratio ${(perRecordSingle / perRecordBatch).toFixed(2)} (times faster per record)\n`,
  );

  await bare.close();
  await server.stop();
}

// --- 2. search with two filters and a sort over 100,000 contacts, on each engine ------------------------------------
const searchBody = {
  filterGroups: [
    {
      filters: [
        { propertyName: "lastname", operator: "EQ", value: "Smith" },
        { propertyName: "lifecyclestage", operator: "IN", values: ["lead", "customer"] },
      ],
    },
  ],
  sorts: [{ propertyName: "createdate", direction: "DESCENDING" }],
  properties: ["email", "firstname", "lastname", "lifecyclestage"],
  limit: 100,
};

async function searchLatency(label: string, env: NodeJS.ProcessEnv): Promise<number> {
  const server = await startBenchServer(env);
  try {
    const { accountId, token } = await appToken(server);
    const t = performance.now();
    await seedCrm(
      server.platform,
      accountId,
      { contacts: searchContacts, companies: 0, deals: 0, tickets: 0, products: 0, owners: 0 },
      { history: false },
    );
    process.stdout.write(`  ${label}: seeded ${fmt(searchContacts)} contacts in ${fmt((performance.now() - t) / 1000, 1)} s\n`);
    const url = `${server.url}/crm/v3/objects/contacts/search`;
    const first = await call(url, token, "POST", searchBody);
    if (first.status !== 200) throw new Error(`search failed: ${first.status} ${JSON.stringify(first.json)}`);
    await timed(() => call(url, token, "POST", searchBody), 10);
    const runs = await timed(() => call(url, token, "POST", searchBody), 60);
    const ms = median(runs);
    process.stdout.write(
      `  ${label}: total ${fmt(first.json.total)} matches, median ${fmt(ms, 2)} ms over ${runs.length} searches (target < 20 ms)\n`,
    );
    // A plain sorted page of the same size, as the in-run baseline for the search's cost.
    const page = median(
      await timed(
        () => call(`${server.url}/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,lifecyclestage`, token),
        60,
      ),
    );
    process.stdout.write(`  ${label}: search vs plain page of 100: ratio ${(ms / page).toFixed(2)} (${fmt(page, 2)} ms)\n`);
    return ms;
  } finally {
    await server.stop();
  }
}

process.stdout.write(`search (lastname EQ + lifecyclestage IN, sort createdate desc, limit 100) over ${fmt(searchContacts)} contacts:\n`);
const sqliteMs = await searchLatency("sqlite", {});
let pgMs: number | undefined;
const name = `sprocket_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: PG_ADMIN });
try {
  await admin.connect();
  // As the tests do: Sprocket refuses a superuser role, so the database belongs to the unprivileged test role.
  await ensureTestRole(admin);
  await admin.query(`CREATE DATABASE ${name} OWNER ${TEST_ROLE.name}`);
  pgMs = await searchLatency("postgres", { SPROCKET_DATABASE_URL: testRoleUrl(name) });
} catch (e) {
  process.stdout.write(`  postgres: skipped (${(e as Error).message})\n`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}
series.push({
  id: "search-median",
  title: "Search (two filters, a sort, 100 results): median latency per engine",
  unit: "ms",
  xLabel: "contacts",
  points: [
    { x: searchContacts, y: round(sqliteMs, 2), label: "sqlite" },
    ...(pgMs !== undefined ? [{ x: searchContacts, y: round(pgMs, 2), label: "postgres" }] : []),
  ],
  goal: 20,
});
const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
fs.mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
fs.writeFileSync(
  new URL("../results/crm.json", import.meta.url),
  `${JSON.stringify(
    {
      bench: "crm",
      command: `${process.env.BENCH_CONTACTS ? `BENCH_CONTACTS=${process.env.BENCH_CONTACTS} ` : ""}${process.env.BENCH_ROUNDS ? `BENCH_ROUNDS=${process.env.BENCH_ROUNDS} ` : ""}npx tsx --conditions=sprocket-source bench/crm/run.ts`,
      measuredAt: new Date().toISOString(),
      machine: `${cpuModel}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} at the start, ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end${process.env.BENCH_MACHINE_NOTE ? `, ${process.env.BENCH_MACHINE_NOTE}` : ""}`,
      series,
      ratios,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `search median vs 20 ms target: sqlite ratio ${(sqliteMs / 20).toFixed(2)}${pgMs !== undefined ? `, postgres ratio ${(pgMs / 20).toFixed(2)}` : ""}\n`,
);
