/**
 * Observability costs and logs at volume (#24 items 0 and 4), baselines measured in the same run:
 * - CRM API throughput (GET /crm/v3/objects/contacts with an app token) with API-call logging on against off
 *   (`recordApiCalls: false`), alternating rounds so that drift hits both alike; expected ratio >= 0.9.
 * - Logs at volume, per engine and per size (BENCH_SIZES API-call events, seeded straight into the store: an API
 *   call in every event, a function run in every tenth trace, 1,000 apps of 200 accounts, Zipf-like so that the
 *   app measured has about a tenth of the rows, over five days, trace ids time-first as logs/trace-context.ts makes
 *   them): trace lookup over HTTP (the console's trace view route), the Logs tab's first page over HTTP (the route
 *   the console's API-calls tab calls, unfiltered and with each filter it offers), and retention deleting the oldest
 *   day's rows while a load of CRM reads runs: p99 during retention against the quiet p99 just before it.
 * - The path index's cost to the log writer (write-cost.ts): API calls/s through the sink's writer with it and without.
 * Run: npx tsx --conditions=sprocket-source bench/logs/run.ts
 *   BENCH_SECONDS=3 per throughput round; BENCH_SIZES=1000000 (comma-separated); BENCH_ENGINES=sqlite,postgres;
 *   BENCH_SKIP_OVERHEAD=1 skips the logging on/off rounds, BENCH_SKIP_WRITE_COST=1 the writer's; BENCH_PRUNE_SECONDS
 *   caps the wait for retention after its load (the close stops it); BENCH_SCRATCH=/tmp holds the SQLite files; PostgreSQL at
 *   BENCH_PG_URL (postgres://postgres@127.0.0.1:5432), one database per size, dropped afterwards. Points of a run are
 *   merged into bench/results/logs.json (same series and size replaced), so that sizes may be measured in separate runs.
 *   BENCH_PARTS=trace,pages,retention: the parts measured at volume (the plans are always printed).
 *   BENCH_KEEP=/scratch/dir: keep each engine and size's seeded store and reuse it in later runs instead of seeding again
 *   (50M events took 42 minutes and 14.8 GB on SQLite under load): the SQLite files and the server's data dir in
 *   <dir>/<engine>-<size>, PostgreSQL's rows in the database bench_logs_keep_<size>, kept instead of dropped. A kept seed
 *   is measured at the moment it was seeded (the store's clock set back to it), so that "since" filters see the same
 *   rows and no retention run deletes any. Retention deletes the oldest seeded day for good, so with BENCH_KEEP the parts
 *   default to trace,pages, and a run that asks for retention uses the seed up: its note is removed before the deletes
 *   start, and the next run seeds afresh. Delete the directory and the `bench_logs_keep_*` databases when done.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import pg from "pg";
import { loadConfig, startServer, type RunningServer } from "@sprocket/server";
import { startBenchServer } from "../support/bench-server";
import { fmt, load, printRatio } from "../support/load";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { logsFileOf } from "../../packages/server/src/store/sqlite-connection";
import { DAY_MS, DAYS, seedPostgres, seedSqlite, type Target } from "./seed";
import { measureWriteCost } from "./write-cost";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? "1000000").split(",").map(Number);
const ENGINES = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",") as Array<"sqlite" | "postgres">;
const SCRATCH = process.env.BENCH_SCRATCH ?? os.tmpdir();
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432";
const LOOKUPS = 200;
const PRUNE_CAP_SECONDS = Number(process.env.BENCH_PRUNE_SECONDS ?? Infinity);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const KEEP = process.env.BENCH_KEEP;
const PARTS = new Set((process.env.BENCH_PARTS ?? (KEEP ? "trace,pages" : "trace,pages,retention")).split(","));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const say = (line: string) => process.stdout.write(`${line}\n`);

type Point = { x: number; y: number; label?: string };
type Series = { id: string; title: string; unit: string; xLabel: string; points: Point[]; goal?: number; baseline?: number };
type Ratio = { id: string; title: string; value: number; goal?: number; met: boolean };
const series = new Map<string, Series>();
const ratios: Ratio[] = [];
function point(id: string, title: string, unit: string, p: Point, goal?: number) {
  const s = series.get(id) ?? { id, title, unit, xLabel: "API-call events", points: [], ...(goal !== undefined ? { goal } : {}) };
  s.points.push(p);
  series.set(id, s);
}

// ---------------------------------------------------------------- logging on against off
if (!process.env.BENCH_SKIP_OVERHEAD) {
  const dbEnv = process.env.SPROCKET_DATABASE_URL ? { SPROCKET_DATABASE_URL: process.env.SPROCKET_DATABASE_URL } : {};
  const crmServer = async (logApiCalls: boolean) => {
    const server = await startBenchServer(dbEnv, { recordApiCalls: logApiCalls });
    const { token, url } = await crmReads(server);
    return { server, url, headers: { authorization: `Bearer ${token}` } };
  };
  const on = await crmServer(true);
  const off = await crmServer(false);
  await load(on.url, { seconds: 1, headers: on.headers });
  await load(off.url, { seconds: 1, headers: off.headers });
  // Short alternating pairs (off/on, then on/off): on a busy machine load drifts, and a pair sees the same load.
  const ROUNDS = 6;
  const pairs: number[] = [];
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
    pairs.push(pair.on! / pair.off!);
  }
  await on.server.platform.logs.flush();
  const logged = await on.server.platform.store.db
    .selectFrom("api_calls")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  say(
    `  pairs on/off: ${pairs.map((r) => r.toFixed(2)).join(", ")}; failed requests ${failures}; API calls logged ${fmt(Number(logged.n))}`,
  );
  printRatio("CRM API throughput, logging on vs off (median of pairs)", median(rates.on), median(rates.off), "req/s");
  say(`  median pair ratio ${median(pairs).toFixed(2)} (expected >= 0.9)`);
  ratios.push({
    id: "logging-overhead",
    title: "CRM reads/s with API-call logging on / off",
    value: median(pairs),
    goal: 0.9,
    met: median(pairs) >= 0.9,
  });
  await off.server.stop();
  await on.server.stop();
}

/** An app token allowed to call without HubSpot's rate limits, and a CRM read of ten contacts. */
async function crmReads(server: RunningServer) {
  const accountId = server.bootstrap.info.accountId;
  await server.platform.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 1e9, api_limit_daily: 1e12 })
    .where("id", "=", accountId)
    .execute();
  const { token, appId } = await createTestApp(server.platform, accountId, {
    scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
  });
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { email: `bench${i}@example.com`, firstname: `Bench ${i}` } }),
    });
    // A kept seed's account already has them from an earlier run (BENCH_KEEP): the reads need them, not new ones.
    if (res.status === 409) continue;
    if (res.status !== 201) throw new Error(`creating a contact failed: ${res.status} ${await res.text()}`);
  }
  return { token, appId, url: `${server.url}/crm/v3/objects/contacts?limit=10` };
}

// ---------------------------------------------------------------- measuring one size on one engine
/**
 * A fetch tried twice: seeding blocks this thread for minutes, and a keep-alive socket the server timed out meanwhile is
 * found closed only on its next use.
 */
const retried = (url: string, init: RequestInit) => fetch(url, init).catch(() => fetch(url, init));

/**
 * The store's clock, moved a day on to make the oldest seeded day fall out of the retention period. It stands still
 * while seeding: the hourly retention run would otherwise delete the window's first minutes meanwhile, through tables
 * whose indexes the seed has dropped (a scan of every row per chunk of 1,000; PostgreSQL at 45M rows, session 12).
 */
const clock = { offset: 0, held: undefined as number | undefined, now: () => clock.held ?? Date.now() + clock.offset };

/** What a kept seed (BENCH_KEEP) notes beside its store, written once its seeding is done. */
interface Kept {
  target: Target;
  seedSeconds: number;
  indexSeconds: number;
}

async function measure(engine: "sqlite" | "postgres", events: number) {
  const tag = `${engine}-${events}`;
  const keptDir = KEEP ? path.join(KEEP, tag) : undefined;
  const dataDir = keptDir ?? fs.mkdtempSync(path.join(SCRATCH, "sprocket-logvol-"));
  const noteFile = path.join(dataDir, "bench-kept.json");
  const kept = keptDir && fs.existsSync(noteFile) ? (JSON.parse(fs.readFileSync(noteFile, "utf8")) as Kept) : undefined;
  // A kept directory without its note is an interrupted seed (or one retention used up): start it over.
  if (keptDir && !kept) fs.rmSync(keptDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const dbName = keptDir ? `bench_logs_keep_${events}` : `bench_logs_${process.pid}_${events}`;
  let admin: pg.Client | undefined;
  if (engine === "postgres") {
    admin = new pg.Client({ connectionString: `${PG_URL}/postgres` });
    await admin.connect();
    if (!kept) {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.query(`create database ${dbName}`);
    }
  }
  const dbUrl = `${PG_URL}/${dbName}`;
  // A kept seed's window ends when it was seeded: the clock goes back there (see the header).
  clock.offset = kept ? kept.target.start + DAYS * DAY_MS - 60_000 - Date.now() : 0;
  clock.held = kept ? undefined : Date.now();
  const env = {
    SPROCKET_LOG_LEVEL: "silent",
    SPROCKET_LOG_RETENTION_DAYS: String(DAYS),
    ...(engine === "postgres" ? { SPROCKET_DATABASE_URL: dbUrl, SPROCKET_DATABASE_ALLOW_SUPERUSER: "true" } : {}),
  };
  /** The bench's files and database go, whatever happened, unless they are kept. */
  const cleanUp = async () => {
    if (!keptDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      if (!keptDir) await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  };
  const server = await startServer(loadConfig({ port: 0, dataDir }, env), { clock }).catch(async (e: unknown) => {
    await cleanUp();
    throw e;
  });
  try {
    // The app measured is the one made when seeding; a kept seed's CRM reads (for retention) come from a new one.
    const seedApp = kept ? undefined : await crmReads(server);
    const target: Target = kept?.target ?? {
      accountId: server.bootstrap.info.accountId,
      appId: seedApp!.appId,
      start: clock.now() - DAYS * DAY_MS + 60_000,
    };
    const seedStarted = performance.now();
    let client: pg.Client | undefined;
    let sqlite: SQLite.Database | undefined;
    let indexSeconds = kept?.indexSeconds ?? 0;
    if (engine === "postgres") {
      client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
    }
    if (!kept) {
      indexSeconds =
        engine === "sqlite" ? seedSqlite(server.platform.store.file!, target, events) : await seedPostgres(client!, target, events);
    }
    if (engine === "sqlite") sqlite = new SQLite(logsFileOf(server.platform.store.file!), { readonly: true });
    const seedSeconds = kept?.seedSeconds ?? (performance.now() - seedStarted) / 1000;
    // The clock goes on from where it stood.
    if (clock.held !== undefined) [clock.offset, clock.held] = [clock.held - Date.now(), undefined];
    if (keptDir && !kept) fs.writeFileSync(noteFile, JSON.stringify({ target, seedSeconds, indexSeconds } satisfies Kept));
    const rowsQuery = async (sql: string, params: unknown[]) =>
      sqlite
        ? (sqlite.prepare(sql.replace(/\$\d+/g, "?")).all(params) as Array<Record<string, unknown>>)
        : (await client!.query(sql, params)).rows;
    const appRows = Number((await rowsQuery("select count(*) as n from api_calls where app_id = $1", [target.appId]))[0]!.n);
    say(
      `\n${engine}, ${fmt(events)} API-call events (+${fmt(events / 10)} function runs) ${kept ? `kept in ${dataDir}, seeded earlier` : "seeded"} in ${fmt(seedSeconds)} s (indexes ${fmt(indexSeconds)} s of it); the app measured has ${fmt(Number(appRows))}; load ${fs.readFileSync("/proc/loadavg", "utf8").trim()}`,
    );
    if (!kept)
      point(`seed-${engine}`, `Seeding rate, ${engine} (events/s)`, "events/s", { x: events, y: Math.round(events / seedSeconds) });

    const auth = (await (
      await retried(`${server.url}/localdevauth/v1/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ encodedOAuthRefreshToken: server.bootstrap.info.personalAccessKey }),
      })
    ).json()) as { oauthAccessToken: string };
    const headers = { authorization: `Bearer ${auth.oauthAccessToken}` };
    const get = async (url: string) => {
      const t0 = performance.now();
      const res = await retried(`${server.url}${url}`, { headers });
      const body = (await res.json()) as Record<string, unknown>;
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, body };
    };

    // Plans of the reads measured, as the engine chooses them at this size.
    const explain = engine === "sqlite" ? "explain query plan " : "explain ";
    const planOf = async (sql: string, params: unknown[]) =>
      (await rowsQuery(explain + sql, params)).map((r) => (engine === "sqlite" ? String(r.detail) : String(r["QUERY PLAN"]))).join(" | ");
    const listSql = (extra: string) =>
      `select * from api_calls where account_id in ($1) and app_id = $2${extra} order by created_at desc, id desc limit 101`;
    say(
      `  plan, trace lookup: ${await planOf("select * from api_calls where trace_id = $1 and account_id in ($2) and +app_id = $3", ["x", target.accountId, target.appId])}`,
    );
    say(`  plan, first page: ${await planOf(listSql(""), [target.accountId, target.appId])}`);
    // As logs/log-queries.ts reads a (method, status) pair: on SQLite its (time, id) from the index alone, rows by id after.
    const pair: [string, unknown[]] =
      engine === "sqlite"
        ? [
            "select id, created_at from api_calls where app_id = $1 and method = 'GET' and status = 404 order by created_at desc, id desc limit 101",
            [target.appId],
          ]
        : [listSql(" and method = 'GET' and status = 404"), [target.accountId, target.appId]];
    say(`  plan, one (method, status) pair of a filtered page: ${await planOf(...pair)}`);
    say(
      `  plan, overview's calls in a range: ${await planOf("select count(*) from api_calls where account_id in ($1) and app_id = $2 and created_at >= $3", [target.accountId, target.appId, 0])}`,
    );
    // As logs/log-queries.ts writes a search for a rare text: on SQLite from the trigram index by id (path-search.ts).
    const rare = "%no-such-path%";
    const search: [string, unknown[]] =
      engine === "sqlite"
        ? [
            "select * from api_calls where account_id in ($1) and id in (select rowid from api_calls_path where path like $2) and +app_id = $3 and lower(path) like lower($4) escape '\\' order by created_at desc, id desc limit 101",
            [target.accountId, rare, target.appId, rare],
          ]
        : [
            "select * from api_calls where account_id in ($1) and app_id = $2 and lower(path) like lower($3) escape '\\' order by created_at desc, id desc limit 101",
            [target.accountId, target.appId, rare],
          ];
    say(`  plan, path search for a rare text: ${await planOf(...search)}`);

    if (PARTS.has("trace")) {
      // Trace lookup: traces of the app measured, drawn at random times of the seeded window.
      const traces: string[] = [];
      while (traces.length < LOOKUPS + 20) {
        const at = target.start + Math.floor(Math.random() * DAYS * DAY_MS);
        const rows = await rowsQuery("select trace_id from api_calls where app_id = $1 and created_at >= $2 order by created_at limit 1", [
          target.appId,
          at,
        ]);
        if (rows[0]) traces.push(String(rows[0].trace_id));
      }
      const lookups: number[] = [];
      for (const [n, id] of traces.entries()) {
        const { ms, body } = await get(`/api/v1/private-apps/${target.appId}/traces/${id}`);
        if (!(Number(body.eventCount) >= 1)) throw new Error(`trace ${id} came back empty`);
        if (n >= 20) lookups.push(ms);
      }
      // The route's floor: the same lookup of a trace id nobody has (a 404 after the same auth and index probes).
      const misses: number[] = [];
      for (let n = 0; n < 60; n++) {
        const t0 = performance.now();
        const res = await retried(`${server.url}/api/v1/private-apps/${target.appId}/traces/${"f".repeat(32)}`, { headers });
        await res.arrayBuffer();
        if (res.status !== 404) throw new Error(`a missing trace answered ${res.status}`);
        if (n >= 10) misses.push(performance.now() - t0);
      }
      say(`  trace lookup of a missing trace (the route's floor): median ${fmt(median(misses), 2)} ms`);
      point(`trace-miss-${engine}`, `Trace lookup of a missing trace (route floor), median, ${engine}`, "ms", {
        x: events,
        y: Number(median(misses).toFixed(2)),
      });
      // The store's share: the lookup's two main reads straight on the engine, without HTTP, auth and the tree.
      const direct: number[] = [];
      for (const id of traces.slice(20)) {
        const t0 = performance.now();
        await rowsQuery("select * from api_calls where trace_id = $1", [id]);
        await rowsQuery("select * from function_runs where trace_id = $1", [id]);
        direct.push(performance.now() - t0);
      }
      say(`  trace reads straight on the store: median ${fmt(median(direct), 3)} ms`);
      point(`trace-store-${engine}`, `Trace reads straight on the store, median, ${engine}`, "ms", {
        x: events,
        y: Number(median(direct).toFixed(3)),
      });
      say(
        `  trace lookup: median ${fmt(median(lookups), 2)} ms, p95 ${fmt(p95(lookups), 2)} ms over ${LOOKUPS} lookups (goal: median < 5 ms)`,
      );
      point(`trace-${engine}`, `Trace lookup over HTTP, median, ${engine}`, "ms", { x: events, y: Number(median(lookups).toFixed(2)) }, 5);
      ratios.push({
        id: `trace-${tag}`,
        title: `Trace lookup median (ms), ${engine}, ${fmt(events)} events`,
        value: Number(median(lookups).toFixed(2)),
        goal: 5,
        met: median(lookups) < 5,
      });
    }

    if (PARTS.has("pages")) {
      // The Logs tab's first page (100 rows, as the console asks) for the app measured, with each filter it offers.
      const FILTERS: Array<[string, string]> = [
        ["none", ""],
        ["since=1d", "&since=1d"],
        ["status=error", "&status=error"],
        ["status=404", "&status=404"],
        ["status=5xx", "&status=5xx"],
        ["status=3xx (none stored)", "&status=3xx"],
        ["method=DELETE", "&method=DELETE"],
        ["q=deals", "&q=deals"],
        ["q=nothing (no match)", "&q=no-such-path"],
        ["since=1h&status=error", "&since=1h&status=error"],
      ];
      for (const [label, query] of FILTERS) {
        const url = `/api/v1/private-apps/${target.appId}/logs/api-calls?limit=100${query}`;
        const first = await get(url);
        // A read that takes seconds is measured three times, not twenty: its figure is what matters, not its spread.
        const reps = first.ms > 1000 ? 3 : 21;
        const samples: number[] = [];
        let results = 0;
        for (let i = 0; i < reps; i++) {
          const { ms, body } = await get(url);
          samples.push(ms);
          results = (body.results as unknown[]).length;
        }
        say(`  first page, ${label}: median ${fmt(median(samples), 1)} ms (${results} rows; goal < 200 ms)`);
        point(
          `page-${engine}-${label.split(" ")[0]!.replace(/[^A-Za-z0-9._-]+/g, "-")}`,
          `Logs tab first page, ${label}, ${engine}`,
          "ms",
          { x: events, y: Number(median(samples).toFixed(1)) },
          200,
        );
      }
    }

    if (PARTS.has("retention")) {
      // Retention: the oldest seeded day falls out when the clock moves a day on; CRM reads run through its deletes.
      const crm = seedApp ?? (await crmReads(server));
      const readHeaders = { authorization: `Bearer ${crm.token}` };
      await load(crm.url, { seconds: 2, headers: readHeaders });
      const quiet = await load(crm.url, { seconds: LOAD_SECONDS, headers: readHeaders });
      if (keptDir) {
        fs.rmSync(noteFile);
        say(`  retention uses the kept seed up: ${dataDir} is seeded afresh next time`);
      }
      clock.offset += DAY_MS;
      const pruneStarted = performance.now();
      let pruneMs = 0;
      const pruning = server.platform.logs.prune().then((deleted) => {
        pruneMs = performance.now() - pruneStarted;
        return deleted;
      });
      const during = await load(crm.url, { seconds: LOAD_SECONDS, headers: readHeaders });
      const ratio = during.p99Ms / quiet.p99Ms;
      const reads = `CRM reads p99 quiet ${quiet.p99Ms} ms, during ${during.p99Ms} ms (ratio ${ratio.toFixed(2)}, goal <= 2); req/s ${fmt(quiet.requestsPerSec)} / ${fmt(during.requestsPerSec)}; errors ${during.errors + during.non2xx}`;
      // A day of a big size takes the loaded VM an hour to delete: past the cap, the server's close stops the run.
      const cap = new Promise<undefined>((resolve) => {
        if (Number.isFinite(PRUNE_CAP_SECONDS)) setTimeout(() => resolve(undefined), PRUNE_CAP_SECONDS * 1000);
      });
      const deleted = await Promise.race([pruning, cap]);
      if (deleted) {
        const after = await load(crm.url, { seconds: LOAD_SECONDS, headers: readHeaders });
        say(
          `  retention: deleted ${fmt(deleted.api_calls ?? 0)} API calls and ${fmt(deleted.function_runs ?? 0)} runs in ${fmt(pruneMs / 1000, 1)} s; ${reads}; after ${after.p99Ms} ms`,
        );
        point(`retention-rate-${engine}`, `Retention delete rate, ${engine}`, "rows/s", {
          x: events,
          y: Math.round(((deleted.api_calls ?? 0) + (deleted.function_runs ?? 0)) / (pruneMs / 1000)),
        });
      } else say(`  retention: not done after ${PRUNE_CAP_SECONDS} s (stopped by the server's close); ${reads}`);
      point(
        `retention-p99-${engine}`,
        `CRM reads p99 during retention / quiet, ${engine}`,
        "ratio",
        { x: events, y: Number(ratio.toFixed(2)) },
        2,
      );
      ratios.push({
        id: `retention-p99-${tag}`,
        title: `CRM reads p99 during retention / quiet, ${engine}, ${fmt(events)} events`,
        value: ratio,
        goal: 2,
        met: ratio <= 2,
      });
    }
    sqlite?.close();
    await client?.end();
  } finally {
    await server.close();
    await cleanUp();
  }
}

// ---------------------------------------------------------------- results, merged with earlier runs' other sizes
/** Written after each size, so that a long run that is stopped keeps what it measured. */
function writeResults() {
  const file = path.join(import.meta.dirname, "../results/logs.json");
  type Results = { series: Series[]; ratios: Ratio[] };
  const previous: Results = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Results) : { series: [], ratios: [] };
  // Merged into copies: after a run's first size, `series` holding the file's points too would keep a stale point
  // beside the new one of a later size (two 10M points after BENCH_SIZES=1000000,10000000).
  const merged = [...series.values()].map((now) => {
    const old = previous.series.find((s) => s.id === now.id);
    const kept = old?.points.filter((p) => !now.points.some((q) => q.x === p.x)) ?? [];
    return { ...now, points: [...kept, ...now.points].sort((a, b) => a.x - b.x) };
  });
  const others = previous.series.filter((old) => !series.has(old.id));
  const ratioIds = new Set(ratios.map((r) => r.id));
  const cpu = os.cpus();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        bench: "logs",
        command: `BENCH_SIZES=${SIZES.join(",")} BENCH_ENGINES=${ENGINES.join(",")} BENCH_PARTS=${[...PARTS].join(",")} npx tsx --conditions=sprocket-source bench/logs/run.ts`,
        measuredAt: new Date().toISOString(),
        machine: `${cpu[0]?.model ?? "cpu"}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}, load ${fs.readFileSync("/proc/loadavg", "utf8").trim()}`,
        series: [...merged, ...others],
        ratios: [...previous.ratios.filter((r) => !ratioIds.has(r.id)), ...ratios],
      },
      null,
      2,
    )}\n`,
  );
  say(`results: ${file}`);
}

// ---------------------------------------------------------------- the path index's cost to the log writer
if (!process.env.BENCH_SKIP_WRITE_COST) {
  for (const engine of ENGINES) {
    const dataDir = fs.mkdtempSync(path.join(SCRATCH, "sprocket-logwrite-"));
    const dbName = `bench_logs_write_${process.pid}`;
    const admin = engine === "postgres" ? new pg.Client({ connectionString: `${PG_URL}/postgres` }) : undefined;
    await admin?.connect();
    await admin?.query(`create database ${dbName}`);
    const env = {
      SPROCKET_LOG_LEVEL: "silent",
      ...(engine === "postgres" ? { SPROCKET_DATABASE_URL: `${PG_URL}/${dbName}`, SPROCKET_DATABASE_ALLOW_SUPERUSER: "true" } : {}),
    };
    const server = await startServer(loadConfig({ port: 0, dataDir }, env));
    try {
      const cost = await measureWriteCost(server.platform.store, engine === "postgres" ? `${PG_URL}/${dbName}` : undefined);
      say(
        `${engine}: log writer, API calls/s with the path index ${cost.withIndex.join(", ")}; without ${cost.without.join(", ")}; median pair ratio ${cost.ratio.toFixed(2)}; load ${fs.readFileSync("/proc/loadavg", "utf8").trim()}`,
      );
      ratios.push({
        id: `path-index-write-${engine}`,
        title: `Log writer rows/s with the path index / without, ${engine}`,
        value: cost.ratio,
        met: true,
      });
    } finally {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await admin?.query(`drop database if exists ${dbName} with (force)`);
      await admin?.end();
    }
  }
}

for (const events of SIZES) {
  for (const engine of ENGINES) {
    await measure(engine, events);
    writeResults();
  }
}
