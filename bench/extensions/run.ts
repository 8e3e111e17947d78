/**
 * App cards on a record page, warm (the browser has visited the page before, so bundles and the worker are cached):
 * - navigation → the page's own first render (the record's name in its heading), the baseline;
 * - navigation → the seed card's first rendered text, measured in the same visits;
 * - a deploy finishing → an open page showing the new build of the card (what `sprocket project dev` relies on).
 * Run: npx tsx --conditions=sprocket-source bench/extensions/run.ts
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Page } from "playwright-core";
import { startBenchServer } from "../support/bench-server";
import { ProjectApi, SHARED_DEPS_CACHE } from "../../packages/server/test/support/project-api";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { deployProject, launchChromium, recordPath, SHARED_PROJECTS, signedInPage } from "../../test/e2e/fixtures/card-projects";

const RUNS = 9;
const CARD_TEXT = "send some text to the serverless function.";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(7);

const work = mkdtempSync(path.join(tmpdir(), "sprocket-bench-extensions-"));
const seed = path.join(work, "seed-example");
cpSync(path.join(SHARED_PROJECTS, "seed-example"), seed, { recursive: true });

const server = await startBenchServer({ SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE, SPROCKET_JOB_POLL_MS: "50" });
const browser = await launchChromium();
try {
  const { accountId, personalAccessKey, superAdmin } = server.bootstrap.info;
  const api = new ProjectApi(server.url, personalAccessKey);
  await deployProject(api, seed);
  const { token } = await createTestApp(server.platform, accountId, { uid: "bench-crm", scopes: ["crm.objects.contacts.write"] });
  const created = await fetch(`${server.url}/crm/v3/objects/contacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ properties: { firstname: "Ada", lastname: "Lovelace" } }),
  });
  const url = recordPath(accountId, "0-1", ((await created.json()) as { id: string }).id);
  const { page, close } = await signedInPage(browser, server.url, superAdmin);

  /** One visit: ms from navigation to the heading, and to the card's text (in the Apps tab, rendered while hidden). */
  const visit = async (target: Page) => {
    const start = performance.now();
    const navigation = target.goto(url);
    const [pageMs, cardMs] = await Promise.all([
      target
        .getByRole("heading", { name: "Ada Lovelace" })
        .waitFor()
        .then(() => performance.now() - start),
      target
        .getByText(CARD_TEXT, { exact: false })
        .waitFor({ state: "attached" })
        .then(() => performance.now() - start),
      navigation,
    ]);
    return { pageMs, cardMs };
  };

  await visit(page); // warms the HTTP cache, the page's chunks and the card bundle
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await visit(page));
  const pageMs = median(samples.map((s) => s.pageMs));
  const cardMs = median(samples.map((s) => s.cardMs));

  // An open page picks up a new live build through GET /api/v1/record-cards/stream.
  const reloads: number[] = [];
  await page.getByRole("tab", { name: "Apps" }).click();
  for (let i = 1; i <= 3; i++) {
    const file = path.join(seed, "src/app/extensions/Example.jsx");
    const text = `edit number ${i} is live.`;
    writeFileSync(file, readFileSync(file, "utf8").replace(/send some text to the serverless function\.|edit number \d+ is live\./, text));
    await deployProject(api, seed);
    const live = performance.now();
    await page.getByText(text, { exact: false }).waitFor();
    reloads.push(performance.now() - live);
  }
  await close();

  console.log(`record page, warm, median of ${RUNS} visits:`);
  console.log(`  page's own first render (heading):  ${ms(pageMs)}`);
  console.log(`  seed card's first rendered text:    ${ms(cardMs)}`);
  console.log(
    `deploy seen by the CLI → open page shows the new card: ${reloads.map((x) => `${x.toFixed(0)} ms`).join(", ")} (the deploy status is polled every 100 ms)`,
  );
  console.log(`ratio card/page first render: ${(cardMs / pageMs).toFixed(2)}x`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
