/**
 * Console load cost, baseline measured in the same run:
 * - the shell's JavaScript (entry + its static imports), gzipped: what every first visit downloads;
 * - time to a usable contacts page (100,000 contacts, signed in, cold cache: navigation → first rows shown)
 *   vs a static HTML page served by the same server (navigation → its element shown).
 * Run: npx tsx --conditions=sprocket-source bench/console/run.ts   (BENCH_CONTACTS=… to change the data size)
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { buildApp, createAccount, loadConfig, createPlatform, seedCrm } from "@sprocket/server";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const RUNS = 7;
const appDir = path.resolve(import.meta.dirname, "../../packages/console/dist/app");

function shellBytes(): { files: number; raw: number; gzipped: number } {
  const html = readFileSync(path.join(appDir, "index.html"), "utf8");
  const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzipped = 0;
  for (const url of urls) {
    const bytes = readFileSync(path.join(appDir, url));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: urls.length, raw, gzipped };
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

async function timeVisits(
  browser: Browser,
  base: string,
  login: { email: string; password: string } | undefined,
  url: string,
  ready: string,
): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
    if (login) await context.request.post("/api/v1/session", { data: login });
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    samples.push(performance.now() - start);
    await context.close();
  }
  return median(samples);
}

const dataDir = mkdtempSync(path.join(tmpdir(), "sprocket-bench-console-"));
const platform = await createPlatform(loadConfig({ port: 0, dataDir }, { SPROCKET_LOG_LEVEL: "silent" }));
const app = await buildApp(platform);
const staticPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Static</title></head><body><table><tr><td id="ready">ready</td></tr></table></body></html>`;
app.get("/bench/static.html", async (_request, reply) => reply.type("text/html").send(staticPage));
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const account = await createAccount(platform, { name: "Bench", admin: { email: "bench@example.com" } });
const seedStart = performance.now();
await seedCrm(
  platform,
  account.accountId,
  { contacts: CONTACTS, companies: 1000, deals: 0, tickets: 0, products: 0, owners: 5 },
  { history: false },
);
console.log(`seeded ${CONTACTS.toLocaleString()} contacts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const shell = shellBytes();
  const staticMs = await timeVisits(browser, base, undefined, "/bench/static.html", "#ready");
  const contactsMs = await timeVisits(
    browser,
    base,
    account.superAdmin,
    `/contacts/${account.accountId}/objects/0-1`,
    "table[aria-label=Contacts] tbody tr a",
  );
  console.log(
    `shell JavaScript: ${shell.files} files, ${(shell.raw / 1024).toFixed(1)} KiB, ${(shell.gzipped / 1024).toFixed(1)} KiB gzipped`,
  );
  console.log(`static HTML page:        ${staticMs.toFixed(0)} ms (median of ${RUNS})`);
  console.log(`usable contacts page:    ${contactsMs.toFixed(0)} ms (median of ${RUNS}, ${CONTACTS.toLocaleString()} contacts)`);
  console.log(`ratio contacts/static:   ${(contactsMs / staticMs).toFixed(1)}x`);
} finally {
  await browser.close();
  await app.close();
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
}
