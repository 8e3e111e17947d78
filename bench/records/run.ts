/**
 * A million records (#24 item 3), per engine and size (10k / 100k / 1M contacts by default), each in a fresh server:
 * - seed through the CRM batch create API over HTTP (100 per call, several calls in flight), records per second;
 * - search with two filters and a sort (a selective and an unselective variant, values varied per query): median and
 *   p95, CPU per search, against a GET by id in the same server (the floor) and against the same search at the run's
 *   smallest size; two queries of each variant are checked against the plain plan (same page, same total);
 * - list paging by cursor: the first page, pages at 10 %, 50 %, 90 % and the last page (flat: last/first ≈ 1);
 * - the console's contacts page in Chromium against static pages served by the same server, in alternating visits: the
 *   same screen written by hand (the goal's static page, hand-written.ts), the server's own render of it saved as a
 *   file, and a bare table of 25 rows.
 * Run: npx tsx --conditions=sprocket-source bench/records/run.ts
 *   BENCH_SIZES=10000,100000,1000000  BENCH_ENGINE=sqlite|postgres|both  BENCH_SEARCHES=60  BENCH_VISITS=7
 *   BENCH_KEEP=/scratch/dir: keep each engine and size's seeded database there (PostgreSQL: a database named for the
 *   size) and reuse it in later runs instead of seeding again (delete the directory and `bench_records_keep_*`
 *   databases when done); BENCH_CONSOLE=0 skips the console visits.
 *   BENCH_PARTS=console: seed, then the console visits only (no search, get or paging figures; no result file written)
 *   BENCH_TRACE=1: print one console visit's requests (start and end, ms from navigation), the waterfall
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { handWritten } from "./hand-written";
import { buildApp, createAccount, createPlatform, loadConfig, type Platform } from "@sprocket/server";
import { provisionApps } from "../../packages/server/src/apps/provision";
import { revealAppToken } from "../../packages/server/src/apps/app-tokens";
import { encodeAfter } from "../../packages/server/src/crm/paging-cursor";
import { insertObjects } from "../../packages/server/src/crm/object-store";
import { findObjectType } from "../../packages/server/src/crm/object-types";
import { inTransaction } from "../../packages/server/src/crm/object-writes";
import { noteCrmWrites } from "../../packages/server/src/crm/table-stats";
import { ensureTestRole, TEST_ROLE, testRoleUrl } from "../../packages/server/test/support/test-database";

const SIZES = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const ENGINES = ((process.env.BENCH_ENGINE ?? "both") === "both" ? ["sqlite", "postgres"] : [process.env.BENCH_ENGINE!]) as Array<
  "sqlite" | "postgres"
>;
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 60);
const VISITS = Number(process.env.BENCH_VISITS ?? 7);
const CONSOLE_ONLY = process.env.BENCH_PARTS === "console";
const TRACE = process.env.BENCH_TRACE === "1";
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 6);
/**
 * `api` (the default): batch create over HTTP. `store`: the same records through the store's bulk insert (what
 * batch create runs, 5,000 per transaction, history included) without HTTP, for a machine too busy to seed a million
 * over the API in the time there is; the result file says which seeded each point.
 */
const SEED = (process.env.BENCH_SEED ?? "api") as "api" | "store";
const KEEP = process.env.BENCH_KEEP;
const CONSOLE = process.env.BENCH_CONSOLE !== "0";
const PG_ADMIN = process.env.SPROCKET_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SCOPES = ["crm.objects.contacts.read", "crm.objects.contacts.write"];

// Value pools: lastname 1 in 500 (selective), lifecyclestage 1 in 4 and hubspotscore 0–99 (unselective).
const LASTNAMES = Array.from({ length: 500 }, (_, i) => `Name${i.toString(36)}`);
const FIRSTNAMES = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger"];
const CITIES = Array.from({ length: 200 }, (_, i) => `City ${i}`);
const STAGES = ["subscriber", "lead", "opportunity", "customer"];

/** A deterministic generator, so every engine and size gets the same data shape and the same queries. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const median = (xs: number[]) => quantile(xs, 0.5);
const f = (n: number, d = 1) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const say = (s: string) => process.stdout.write(`${s}\n`);

interface Server {
  url: string;
  platform: Platform;
  /** PostgreSQL: the database's name, whose backends' CPU a search is charged (cpuMeter). */
  database: string | undefined;
  /** The seeded account of an earlier run (BENCH_KEEP), if there is one. */
  kept: Kept | undefined;
  keep(k: Kept): void;
  /** Serves `html` at /bench/<name>.html: the console's first screen as a static file (sameScreen, handWritten). */
  servePage(name: StaticTwin, html: string): void;
  stop(): Promise<void>;
}
interface Kept {
  accountId: number;
  appId: number;
  superAdmin: { email: string; password: string };
  seedPerSecond: number;
  seedSeconds: number;
}

/**
 * A fresh server with the console and one static page of the same server, on a scratch data dir (and PG database);
 * with BENCH_KEEP, on the kept ones of this engine and size.
 */
async function startServer(engine: "sqlite" | "postgres", size: number): Promise<Server> {
  const keptDir = KEEP ? path.join(KEEP, `${engine}-${size}`) : undefined;
  const dataDir = keptDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-records-"));
  const keptFile = path.join(dataDir, "bench-kept.json");
  const kept = keptDir && fs.existsSync(keptFile) ? (JSON.parse(fs.readFileSync(keptFile, "utf8")) as Kept) : undefined;
  // A kept directory without its note is an interrupted seed: start it over.
  if (keptDir && !kept) fs.rmSync(keptDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  let dropDb = async () => {};
  const env: NodeJS.ProcessEnv = { SPROCKET_LOG_LEVEL: "silent" };
  if (engine === "postgres") {
    const name = keptDir ? `bench_records_keep_${size}` : `bench_records_${process.pid}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    // Sprocket refuses a superuser role: the database belongs to the unprivileged test role, as in the tests.
    await ensureTestRole(admin);
    if (!kept) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${TEST_ROLE.name}`);
    }
    await admin.end();
    env.SPROCKET_DATABASE_URL = testRoleUrl(name);
    if (!keptDir)
      dropDb = async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
  }
  const platform = await createPlatform(loadConfig({ port: 0, dataDir }, env));
  const app = await buildApp(platform);
  app.get("/bench/static.html", async (_request, reply) => reply.type("text/html").send(staticPage));
  const twins: Record<StaticTwin, string> = { "same-page": "", "hand-written": "" };
  for (const name of Object.keys(twins) as StaticTwin[])
    app.get(`/bench/${name}.html`, async (_request, reply) => reply.type("text/html").send(twins[name]));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    platform,
    database: engine === "postgres" ? new URL(env.SPROCKET_DATABASE_URL!).pathname.slice(1) : undefined,
    kept,
    keep: (k) => fs.writeFileSync(keptFile, JSON.stringify(k)),
    servePage: (name, html) => (twins[name] = html),
    async stop() {
      await app.close();
      await platform.close();
      await dropDb();
      if (!keptDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The bare table: 25 rows of three short cells, no styles, no header or navigation. It was the goal's static page until
 * session 16 and is still visited and printed, but it is not the same screen: three of the five columns with shorter
 * text, and about a sixth of the screen painted (the hand-written twin costs 1.8–1.9× it by itself).
 */
const staticPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Static</title></head><body><table>${Array.from(
  { length: 25 },
  (_, i) => `<tr><td${i === 0 ? ' id="ready"' : ""}>Contact ${i}</td><td>c${i}@example.com</td><td>lead</td></tr>`,
).join("")}</table></body></html>`;

/** The console's first screen as a static file: `sameScreen` (its own markup) or `handWritten` (the goal's). */
type StaticTwin = "same-page" | "hand-written";

/**
 * The server's render of the contacts page as it was just served, without its scripts, its module
 * hints and its embedded data, as a static file. It is the same first screen (markup and inline styles) with none of
 * the server's work behind it and none of the console's JavaScript: what the page costs the browser alone.
 */
function sameScreen(rendered: string): string {
  return rendered.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "").replace(/<link rel="modulepreload"[^>]*>/g, "");
}

/** An account with unthrottled limits and a private-app token, as a deploy would provision it. */
async function appToken(p: Platform) {
  const account = await createAccount(p, { name: "bench", admin: { email: `bench-${randomBytes(4).toString("hex")}@example.com` } });
  await p.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 100_000_000, api_limit_daily: 1_000_000_000, search_limit_secondly: 1_000_000 })
    .where("id", "=", account.accountId)
    .execute();
  const app = { uid: "bench", name: "bench", description: "", scopes: SCOPES, cards: [], functions: [] };
  const { appIds } = await p.store.db
    .transaction()
    .execute((trx) => provisionApps(trx, p, { accountId: account.accountId, projectId: 1, buildId: 1, apps: [app] }));
  return { account, appId: appIds.bench!, token: (await revealAppToken(p, appIds.bench!))! };
}

async function call(url: string, token: string, method = "GET", body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * CPU milliseconds used so far by this process (the server runs in it, with the bench's own HTTP client) and, on
 * PostgreSQL, by the database's backends (their /proc/<pid>/stat, 10 ms ticks: read as a mean over many searches).
 * On a loaded machine the wall time of a search is mostly waiting for a core; its CPU is the figure to compare.
 * Backends that end between two readings lose their share (the pool keeps its connections while searches run).
 */
async function cpuMeter(database: string | undefined): Promise<{ read(): Promise<number>; end(): Promise<void> }> {
  const backendsCpu = new Map<number, number>();
  const admin = database ? new pg.Client({ connectionString: PG_ADMIN }) : undefined;
  await admin?.connect();
  const read = async () => {
    const own = process.cpuUsage();
    if (!admin) return (own.user + own.system) / 1000;
    const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [database]);
    for (const { pid } of rows) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        backendsCpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // Ended meanwhile, or a server on another machine: nothing to add.
      }
    }
    return (own.user + own.system) / 1000 + [...backendsCpu.values()].reduce((a, b) => a + b, 0);
  };
  return { read, end: async () => void (await admin?.end()) };
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The properties of contact `n` (a deterministic draw from the pools). */
function contact(r: () => number, n: number): Record<string, string> {
  return {
    email: `c${n}@bench.example.com`,
    firstname: pick(r, FIRSTNAMES),
    lastname: pick(r, LASTNAMES),
    city: pick(r, CITIES),
    lifecyclestage: pick(r, STAGES),
    hubspotscore: String(Math.floor(r() * 100)),
  };
}

/** Seeds through the store's bulk insert (BENCH_SEED=store). */
async function seedStore(p: Platform, accountId: number, size: number): Promise<{ ids: number[]; perSecond: number }> {
  const r = rng(42);
  const t = findObjectType("contacts")!;
  const defs = await p.crm.properties.live(accountId, t.id);
  const ids: number[] = [];
  const started = performance.now();
  let reported = started;
  for (let at = 0; at < size; at += 5000) {
    const part = Array.from({ length: Math.min(5000, size - at) }, (_, i) => ({ values: contact(r, at + i) }));
    const now = Date.now();
    const created = await inTransaction(p, (trx) =>
      insertObjects(trx, accountId, t, defs, part, now, { sourceType: "INTEGRATION", sourceId: "bench" }),
    );
    ids.push(...created.map((o) => o.id));
    noteCrmWrites(p, created.length);
    if (performance.now() - reported > 30_000) {
      reported = performance.now();
      say(`    … ${f(ids.length, 0)} seeded, ${f(ids.length / ((reported - started) / 1000), 0)}/s`);
    }
  }
  return { ids, perSecond: size / ((performance.now() - started) / 1000) };
}

/** Seeds `size` contacts through batch create, IN_FLIGHT calls at a time; returns their ids in order. */
async function seed(base: string, token: string, size: number): Promise<{ ids: number[]; perSecond: number }> {
  const r = rng(42);
  const batches = Math.ceil(size / 100);
  const ids: number[][] = new Array(batches);
  let next = 0;
  const started = performance.now();
  let reported = started;
  async function worker() {
    for (let b = next++; b < batches; b = next++) {
      const inputs = Array.from({ length: Math.min(100, size - b * 100) }, (_, i) => ({ properties: contact(r, b * 100 + i) }));
      const out = await call(`${base}/crm/v3/objects/contacts/batch/create`, token, "POST", { inputs });
      ids[b] = (out.results as Array<{ id: string }>).map((x) => Number(x.id)).sort((x, y) => x - y);
      if (performance.now() - reported > 30_000) {
        reported = performance.now();
        say(`    … ${f(b * 100, 0)} seeded, ${f((b * 100) / ((reported - started) / 1000), 0)}/s`);
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { ids: ids.flat().sort((x, y) => x - y), perSecond: size / seconds };
}

type Variant = "selective" | "unselective";
/** Two filters and a sort, values varied per query (the same sequence on every engine and size). */
function searchBodies(variant: Variant, n: number) {
  const r = rng(variant === "selective" ? 7 : 11);
  return Array.from({ length: n }, () => ({
    filterGroups: [
      {
        filters:
          variant === "selective"
            ? [
                { propertyName: "lastname", operator: "EQ", value: pick(r, LASTNAMES) },
                { propertyName: "lifecyclestage", operator: "IN", values: [pick(r, STAGES), pick(r, STAGES)] },
              ]
            : [
                { propertyName: "lifecyclestage", operator: "EQ", value: pick(r, STAGES) },
                { propertyName: "hubspotscore", operator: "GTE", value: String(20 + Math.floor(r() * 60)) },
              ],
      },
    ],
    sorts: [{ propertyName: "createdate", direction: "DESCENDING" }],
    properties: ["email", "firstname", "lastname", "lifecyclestage", "hubspotscore"],
    limit: 100,
  }));
}

interface Measured {
  engine: string;
  size: number;
  seededBy: string;
  seedPerSecond: number;
  seedSeconds: number;
  search: Record<Variant, { median: number; p95: number; total: number; cpuMs?: number }>;
  getById: number;
  paging: { first: number; p10: number; p50: number; p90: number; last: number };
  consoleMs: number;
  /** The bare table (`staticPage`); the goal's static page is `handWrittenMs` (absent from runs before session 16). */
  staticMs: number;
  handWrittenMs?: number;
}

/** Time of one list page at `afterId` (0: the first page), median of `runs`. */
async function pageMs(base: string, token: string, afterId: number, runs: number): Promise<number> {
  const url = `${base}/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname${afterId ? `&after=${encodeAfter(afterId)}` : ""}`;
  const out = await call(url, token);
  if (out.results.length === 0) throw new Error(`empty page after ${afterId}`);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeMs(() => call(url, token)));
  return median(samples);
}

/** When a page counts as usable: `selector` is in it and, on the contacts page, the total reads `total`. */
interface Ready {
  selector: string;
  total?: string;
}

/**
 * Console contacts page vs its static twins and the bare table, in alternating cold visits; medians. The contacts page
 * and its twins count as usable when the table shows a record link and the exact total of `size` contacts (so neither
 * may come later), painted.
 */
async function consoleVisits(
  browser: Browser,
  base: string,
  login: { email: string; password: string },
  accountId: number,
  size: number,
  settle: () => Promise<void>,
  servePage: Server["servePage"],
) {
  const visit = async (url: string, ready: Ready, signIn: boolean, trace = false) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base, locale: "en-US" });
    if (signIn) await context.request.post("/api/v1/session", { data: login });
    const page = await context.newPage();
    // The renderer's main-thread CPU (ThreadTime), which the machine's load moves far less than the wall time.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    // Shown, by the browser's own clock (ms from the navigation's start): the first frame once the page is ready, and
    // not before its first contentful paint. The bench's own checks run on the page's main thread and wait behind its
    // scripts, so they would see a server-rendered page's rows only once its hydration has run.
    await page.addInitScript((wanted: Ready) => {
      // Runs in the page (this file is type-checked without the DOM's types); no named inner functions, which tsx
      // would wrap in a helper the page does not have.
      const g = globalThis as any;
      const observer = new g.MutationObserver(() => {
        const total = g.document.querySelector("[data-testid=record-total]")?.textContent;
        if (!g.document.querySelector(wanted.selector) || (wanted.total && total !== wanted.total)) return;
        observer.disconnect();
        g.requestAnimationFrame((frame: number) => (g.shownAt = frame));
      });
      observer.observe(g.document, { childList: true, subtree: true, characterData: true });
    }, ready);
    await page.goto(url, { waitUntil: "commit" });
    const shown = await page.waitForFunction(
      () => {
        // Runs in the page (this file is type-checked without the DOM's types).
        const g = globalThis as any;
        const paint = g.performance.getEntriesByType("paint").find((e: any) => e.name === "first-contentful-paint");
        return g.shownAt !== undefined && paint ? Math.max(g.shownAt, paint.startTime) : undefined;
      },
      undefined,
      { polling: 50 },
    );
    const ms = (await shown.jsonValue()) as number;
    await page.waitForLoadState("load");
    // Runs in the page (this file is type-checked without the DOM's types).
    const loadMs = await page.evaluate(() => Number((globalThis as any).performance.getEntriesByType("navigation")[0].loadEventStart));
    const threadMs = async () =>
      (new Map((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value])).get("ThreadTime") ?? 0) * 1000;
    const cpuMs = await threadMs();
    // Until the network is idle too: what the page still runs once shown (a server-rendered page's hydration).
    await page.waitForLoadState("networkidle");
    const idleCpuMs = await threadMs();
    // Runs in the page (this file is type-checked without the DOM's types).
    const requests = await page.evaluate(() => {
      const entries = (globalThis as any).performance.getEntriesByType("resource") as Array<{ name: string }>;
      return { all: entries.length, scripts: entries.filter((e) => e.name.endsWith(".js")).length };
    });
    if (trace) {
      // The browser's own timings (ms from the navigation's start), preloads included.
      const entries = await page.evaluate(() => {
        // Runs in the page (this file is type-checked without the DOM's types).
        const timing = (globalThis as any).performance;
        return [...timing.getEntriesByType("navigation"), ...timing.getEntriesByType("resource")].map((r: any) => ({
          name: String(r.name),
          start: Number(r.startTime),
          end: Number(r.responseEnd),
          kind: String(r.initiatorType),
        }));
      });
      say(`    one console visit, ${f(ms, 0)} ms to usable (the browser's clock); its requests, ms from navigation start → response end:`);
      for (const e of entries)
        say(`      ${f(e.start, 0).padStart(6)} → ${f(e.end, 0).padStart(6)}  ${e.kind.padEnd(10)} ${e.name.replace(base, "")}`);
      const painted = await page.evaluate(() => (globalThis as any).performance.now() as number);
      say(`      ${f(painted, 0).padStart(6)}    now (rows and total shown)`);
    }
    await context.close();
    return { ms, loadMs, cpuMs, idleCpuMs, requests };
  };
  const usable = { selector: "table[aria-label=Contacts] tbody tr a", total: `${size.toLocaleString("en-US")} contacts` };
  const contacts = (trace = false) => visit(`/contacts/${accountId}/objects/0-1`, usable, true, trace);
  const plain = () => visit("/bench/static.html", { selector: "#ready" }, false);
  const same = () => visit("/bench/same-page.html", usable, false);
  const hand = () => visit("/bench/hand-written.html", usable, false);
  await contacts();
  await plain();
  // The warm-up visit's search started the in-memory index's build (crm/search-index.ts; seconds at a million, on the
  // server's thread): the visits are timed on a server that has built it, as the search figures are.
  const settling = performance.now();
  await settle();
  say(
    `    the search index was built ${f((performance.now() - settling) / 1000, 1)} s after the warm-up visit (load average ${loadAvg()})`,
  );
  const signedIn = await browser.newContext({ baseURL: base });
  await signedIn.request.post("/api/v1/session", { data: login });
  const rendered = await signedIn.request.get(`/contacts/${accountId}/objects/0-1`, { headers: { accept: "text/html" } });
  const screen = sameScreen(await rendered.text());
  servePage("same-page", screen);
  servePage("hand-written", await handWritten(browser, screen));
  await signedIn.close();
  await same();
  await hand();
  const c: Array<Awaited<ReturnType<typeof visit>>> = [];
  const s: Array<Awaited<ReturnType<typeof visit>>> = [];
  const m: Array<Awaited<ReturnType<typeof visit>>> = [];
  const h: Array<Awaited<ReturnType<typeof visit>>> = [];
  for (let i = 0; i < VISITS; i++) {
    s.push(await plain());
    h.push(await hand());
    m.push(await same());
    c.push(await contacts());
  }
  if (TRACE) await contacts(true);
  const { requests } = c[c.length - 1]!;
  return {
    consoleMs: median(c.map((v) => v.ms)),
    staticMs: median(s.map((v) => v.ms)),
    handWrittenMs: median(h.map((v) => v.ms)),
    handWrittenCpuMs: median(h.map((v) => v.cpuMs)),
    samePageMs: median(m.map((v) => v.ms)),
    samePageCpuMs: median(m.map((v) => v.cpuMs)),
    consoleCpuMs: median(c.map((v) => v.cpuMs)),
    staticCpuMs: median(s.map((v) => v.cpuMs)),
    consoleIdleCpuMs: median(c.map((v) => v.idleCpuMs)),
    consoleLoadMs: median(c.map((v) => v.loadMs)),
    staticIdleCpuMs: median(s.map((v) => v.idleCpuMs)),
    requests: `${requests.all} requests, ${requests.scripts} scripts`,
  };
}

/** The server's seeded account: seeded now, or the one BENCH_KEEP kept (its ids read back in order). */
async function seeded(server: Server, size: number) {
  const p = server.platform;
  if (server.kept) {
    const { accountId, appId, superAdmin, seedPerSecond, seedSeconds } = server.kept;
    const rows = await p.store.db
      .selectFrom("crm_objects")
      .select("id")
      .where("account_id", "=", accountId)
      .where("object_type_id", "=", findObjectType("contacts")!.id)
      .orderBy("id")
      .execute();
    const token = (await revealAppToken(p, appId))!;
    return { account: { accountId, superAdmin }, token, ids: rows.map((r) => Number(r.id)), perSecond: seedPerSecond, seedSeconds };
  }
  const { account, appId, token } = await appToken(p);
  const t0 = performance.now();
  const { ids, perSecond } = SEED === "store" ? await seedStore(p, account.accountId, size) : await seed(server.url, token, size);
  const seedSeconds = (performance.now() - t0) / 1000;
  server.keep({ accountId: account.accountId, appId, superAdmin: account.superAdmin, seedPerSecond: perSecond, seedSeconds });
  return { account, token, ids, perSecond, seedSeconds };
}

async function consoleFigures(
  browser: Browser,
  server: Server,
  account: Pick<Awaited<ReturnType<typeof appToken>>["account"], "accountId" | "superAdmin">,
  size: number,
) {
  const visits = await consoleVisits(
    browser,
    server.url,
    account.superAdmin,
    account.accountId,
    size,
    () => server.platform.crm.search.idle(),
    server.servePage,
  );
  say(
    `    console contacts page ${f(visits.consoleMs, 0)} ms vs the same screen as a hand-written static page ${f(visits.handWrittenMs, 0)} ms: ratio ${f(visits.consoleMs / visits.handWrittenMs, 2)}; its load event at ${f(visits.consoleLoadMs, 0)} ms (load average ${loadAvg()})`,
  );
  say(
    `    the server's render as a static file (no scripts) ${f(visits.samePageMs, 0)} ms, renderer CPU ${f(visits.samePageCpuMs, 0)} ms (hand-written ${f(visits.handWrittenCpuMs, 0)} ms): console over it ${f(visits.consoleMs / visits.samePageMs, 2)}, it over the hand-written page ${f(visits.samePageMs / visits.handWrittenMs, 2)}`,
  );
  say(
    `    the bare table (25 rows of 3 short cells, no styles) ${f(visits.staticMs, 0)} ms: console over it ${f(visits.consoleMs / visits.staticMs, 2)}, the hand-written page over it ${f(visits.handWrittenMs / visits.staticMs, 2)}`,
  );
  say(
    `    renderer main-thread CPU (CDP ThreadTime, median) ${f(visits.consoleCpuMs, 0)} ms vs ${f(visits.staticCpuMs, 0)} ms (bare table) when usable, ${f(visits.consoleIdleCpuMs, 0)} vs ${f(visits.staticIdleCpuMs, 0)} ms once the network is idle; the contacts page made ${visits.requests}`,
  );
  return visits;
}

async function measure(browser: Browser, engine: "sqlite" | "postgres", size: number): Promise<Measured | undefined> {
  const server = await startServer(engine, size);
  try {
    const { account, token, ids, perSecond, seedSeconds } = await seeded(server, size);
    const seededBy = SEED === "store" ? "store bulk insert, no HTTP" : "batch create over HTTP";
    say(
      `  ${engine} ${f(size, 0)}: seeded in ${f(seedSeconds)} s, ${f(perSecond, 0)} contacts/s (${seededBy}${server.kept ? ", kept from an earlier run" : ""})`,
    );
    if (CONSOLE_ONLY) {
      await consoleFigures(browser, server, account, size);
      return undefined;
    }

    const search = {} as Measured["search"];
    const searchUrl = `${server.url}/crm/v3/objects/contacts/search`;
    for (const variant of ["selective", "unselective"] as const) {
      const bodies = searchBodies(variant, SEARCHES + 5);
      const totals: number[] = [];
      for (const b of bodies.slice(0, 5)) await call(searchUrl, token, "POST", b);
      // The warm-up started the in-memory index's build (crm/search-index.ts); the figures are its answers once built.
      const building = performance.now();
      await server.platform.crm.search.idle();
      say(
        `    search ${variant}: the index was built ${f((performance.now() - building) / 1000, 1)} s after the warm-up (load average ${loadAvg()})`,
      );
      // The planned search answers as the plain one does (the group given twice takes the plain plan: each group's
      // filters intersected as whole id sets): same page, same exact total.
      for (const b of bodies.slice(0, 2)) {
        const answer = (out: { total: number; results: Array<{ id: string }> }) => ({
          total: out.total,
          ids: out.results.map((x) => x.id),
        });
        const planned = answer(await call(searchUrl, token, "POST", b));
        const plain = answer(await call(searchUrl, token, "POST", { ...b, filterGroups: [...b.filterGroups, ...b.filterGroups] }));
        if (JSON.stringify(planned) !== JSON.stringify(plain))
          throw new Error(`search ${variant}: the planned answer differs from the plain plan's for ${JSON.stringify(b.filterGroups)}`);
      }
      const samples: number[] = [];
      const cpu = await cpuMeter(server.database);
      const cpuBefore = await cpu.read();
      for (const b of bodies.slice(5)) {
        const t = performance.now();
        const out = await call(searchUrl, token, "POST", b);
        samples.push(performance.now() - t);
        totals.push(out.total);
      }
      const cpuMs = ((await cpu.read()) - cpuBefore) / SEARCHES;
      await cpu.end();
      search[variant] = { median: median(samples), p95: quantile(samples, 0.95), total: median(totals), cpuMs };
      say(
        `    search ${variant}: median ${f(search[variant].median, 2)} ms, p95 ${f(search[variant].p95, 2)} ms, CPU ${f(cpuMs, 1)} ms per search (median total ${f(median(totals), 0)}; load average ${loadAvg()})`,
      );
    }
    const r = rng(3);
    const gets: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const id = pick(r, ids);
      gets.push(await timeMs(() => call(`${server.url}/crm/v3/objects/contacts/${id}`, token)));
    }
    const getById = median(gets);
    say(`    GET by id: median ${f(getById, 2)} ms (floor)`);

    const at = (q: number) => ids[Math.min(ids.length - 101, Math.floor(ids.length * q))]!;
    const runs = 15;
    const paging = {
      first: await pageMs(server.url, token, 0, runs),
      p10: await pageMs(server.url, token, at(0.1), runs),
      p50: await pageMs(server.url, token, at(0.5), runs),
      p90: await pageMs(server.url, token, at(0.9), runs),
      last: await pageMs(server.url, token, ids[ids.length - 101]!, runs),
    };
    say(
      `    list paging (100 per page): first ${f(paging.first, 2)}, 10% ${f(paging.p10, 2)}, 50% ${f(paging.p50, 2)}, 90% ${f(paging.p90, 2)}, last ${f(paging.last, 2)} ms; last/first ${f(paging.last / paging.first, 2)}`,
    );

    const { consoleMs, staticMs, handWrittenMs } = CONSOLE
      ? await consoleFigures(browser, server, account, size)
      : { consoleMs: 0, staticMs: 0, handWrittenMs: 0 };
    return { engine, size, seededBy, seedPerSecond: perSecond, seedSeconds, search, getById, paging, consoleMs, staticMs, handWrittenMs };
  } finally {
    await server.stop();
  }
}

const loadAvg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const machine = () =>
  `${os.cpus()[0]?.model ?? "cpu"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, node ${process.version}, load average ${loadAvg()}`;

say(`records bench: sizes ${SIZES.join(", ")}, engines ${ENGINES.join(", ")}; load average ${loadAvg()}`);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
/**
 * Writes bench/results/records.json after every size, so a long run that is stopped keeps what it measured; runs of
 * one engine or size at a time add to the file (its earlier points of other engines and sizes are kept).
 */
function writeResults(results: Measured[]): Array<{ title: string; value: number; met: boolean }> {
  const file = path.resolve(import.meta.dirname, "../results/records.json");
  const earlier: Measured[] = fs.existsSync(file) ? ((JSON.parse(fs.readFileSync(file, "utf8")) as { raw?: Measured[] }).raw ?? []) : [];
  const all = [...earlier.filter((e) => !results.some((m) => m.engine === e.engine && m.size === e.size)), ...results].sort(
    (a, b) => a.engine.localeCompare(b.engine) || a.size - b.size,
  );

  // Ratios: against the smallest size of the same engine (growth), the floor and the goals.
  const series: unknown[] = [];
  const ratios: unknown[] = [];
  for (const engine of [...new Set(all.map((m) => m.engine))]) {
    const rows = all.filter((x) => x.engine === engine);
    const smallest = rows[0]!;
    const largest = rows[rows.length - 1]!;
    const s = (id: string, title: string, unit: string, y: (m: Measured) => number, extra: object = {}) =>
      series.push({
        id: `${engine}-${id}`,
        title: `${title} (${engine})`,
        unit,
        xLabel: "contacts",
        points: rows.map((m) => ({ x: m.size, y: +y(m).toFixed(3) })),
        ...extra,
      });
    s(
      "search-selective-median",
      "Search, two filters + sort, selective (lastname EQ, lifecyclestage IN), median",
      "ms",
      (m) => m.search.selective.median,
      { goal: 20 },
    );
    s(
      "search-unselective-median",
      "Search, two filters + sort, unselective (lifecyclestage EQ, hubspotscore GTE), median",
      "ms",
      (m) => m.search.unselective.median,
      { goal: 20 },
    );
    s("search-unselective-p95", "Search, unselective, p95", "ms", (m) => m.search.unselective.p95);
    s("get-by-id", "GET by id, median (floor)", "ms", (m) => m.getById);
    s("paging-first", "List page of 100, first page", "ms", (m) => m.paging.first);
    s("paging-last", "List page of 100, last page (by cursor)", "ms", (m) => m.paging.last);
    // BENCH_CONSOLE=0 leaves the console out of the points (0 ms) and of the ratios.
    const visited = largest.consoleMs > 0 && smallest.consoleMs > 0;
    if (visited) {
      s("console-contacts", "Console contacts page, cold visit to rows shown", "ms", (m) => m.consoleMs);
      s("console-static", "The same screen as a hand-written static page, cold visit", "ms", (m) => m.handWrittenMs ?? 0);
      s("console-bare-table", "A bare table of 25 rows (no styles, three short cells), cold visit", "ms", (m) => m.staticMs);
    }
    series.push({
      id: `${engine}-seed-rate`,
      title: `Seed rate, batch create over HTTP, 100 per call (${engine})`,
      unit: "contacts/s",
      xLabel: "contacts",
      points: rows.filter((m) => m.seededBy !== "store bulk insert, no HTTP").map((m) => ({ x: m.size, y: Math.round(m.seedPerSecond) })),
    });
    for (const v of ["selective", "unselective"] as const) {
      ratios.push({
        id: `${engine}-search-${v}-vs-goal`,
        title: `Search ${v} median at ${largest.size} / 20 ms goal (${engine})`,
        value: +(largest.search[v].median / 20).toFixed(3),
        goal: 1,
        met: largest.search[v].median < 20,
      });
      ratios.push({
        id: `${engine}-search-${v}-growth`,
        title: `Search ${v} median at ${largest.size} / at ${smallest.size} (${engine})`,
        value: +(largest.search[v].median / smallest.search[v].median).toFixed(3),
        met: true,
      });
      ratios.push({
        id: `${engine}-search-${v}-vs-get`,
        title: `Search ${v} median / GET by id median at ${largest.size} (${engine})`,
        value: +(largest.search[v].median / largest.getById).toFixed(3),
        met: true,
      });
    }
    ratios.push({
      id: `${engine}-paging-flat`,
      title: `Last page / first page by cursor at ${largest.size} (${engine})`,
      value: +(largest.paging.last / largest.paging.first).toFixed(3),
      goal: 1.2,
      met: largest.paging.last / largest.paging.first <= 1.2,
    });
    if (visited) {
      ratios.push({
        id: `${engine}-console-growth`,
        title: `Console contacts page at ${largest.size} / at ${smallest.size} (${engine})`,
        value: +(largest.consoleMs / smallest.consoleMs).toFixed(3),
        met: true,
      });
      if (largest.handWrittenMs)
        ratios.push({
          id: `${engine}-console-vs-static`,
          title: `Console contacts page / the same screen as a hand-written static page at ${largest.size} (${engine})`,
          value: +(largest.consoleMs / largest.handWrittenMs).toFixed(3),
          goal: 2,
          met: largest.consoleMs / largest.handWrittenMs <= 2,
        });
      ratios.push({
        id: `${engine}-console-vs-bare-table`,
        title: `Console contacts page / a bare table of 25 rows at ${largest.size}, the goal's static page until session 16 (${engine})`,
        value: +(largest.consoleMs / largest.staticMs).toFixed(3),
        met: true,
      });
    }
  }
  const out = {
    bench: "records",
    command: `BENCH_SIZES=${SIZES.join(",")} BENCH_ENGINE=${process.env.BENCH_ENGINE ?? "both"} npx tsx --conditions=sprocket-source bench/records/run.ts`,
    measuredAt: new Date().toISOString(),
    machine: machine(),
    series,
    ratios,
    raw: all,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  say(`wrote ${path.relative(process.cwd(), file)}; load average ${loadAvg()}`);
  return ratios as Array<{ title: string; value: number; met: boolean }>;
}

const results: Measured[] = [];
try {
  for (const engine of ENGINES) {
    for (const size of [...SIZES].sort((a, b) => a - b)) {
      say(`${engine}, ${f(size, 0)} contacts (load average ${loadAvg()}):`);
      const measured = await measure(browser, engine, size);
      if (!measured) continue;
      results.push(measured);
      writeResults(results);
    }
  }
} finally {
  await browser.close();
}

if (results.length > 0) for (const r of writeResults(results)) say(`  ${r.title}: ${r.value}${r.met ? "" : " (not met)"}`);
