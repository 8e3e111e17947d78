/**
 * App cards on a record page, warm (the browser has visited the page before, so bundles and the worker are cached):
 * - navigation → the page's own first render (the record's name in its heading), the baseline;
 * - navigation → the seed card's first rendered text, measured in the same visits;
 * - a deploy finishing → an open page showing the new build of the card (what `sprocket project dev` relies on);
 * - then the same page with the app grown to 5 and 20 cards (bench/support/sized-project.ts): navigation → every
 *   card's first text, against the page's own first render in the same visits.
 * Writes bench/results/extensions.json. Run: npx tsx --conditions=sprocket-source bench/extensions/run.ts
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
import { loadAtStart, machine, writeResult } from "../support/result-file";
import { writeSizedProject } from "../support/sized-project";

const RUNS = 9;
const MORE_CARDS = [5, 20];
const startLoad = loadAtStart();
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

  /** One visit: ms from navigation to the heading, and to the last of `cards` cards' text (in the Apps tab, rendered
   * while hidden). */
  const visit = async (target: Page, cards = 1) => {
    const start = performance.now();
    const navigation = target.goto(url);
    const [pageMs, cardMs] = await Promise.all([
      target
        .getByRole("heading", { name: "Ada Lovelace" })
        .waitFor()
        .then(() => performance.now() - start),
      target
        .getByText(CARD_TEXT, { exact: false })
        .nth(cards - 1)
        .waitFor({ state: "attached" })
        .then(() => performance.now() - start),
      navigation,
    ]);
    return { pageMs, cardMs };
  };
  /** Medians of RUNS warm visits, after one that warms the HTTP cache, the page's chunks and the card bundles. */
  const visits = async (cards: number) => {
    await visit(page, cards);
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(await visit(page, cards));
    return { cards, pageMs: median(samples.map((s) => s.pageMs)), cardMs: median(samples.map((s) => s.cardMs)) };
  };

  const { pageMs, cardMs } = await visits(1);

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

  // The same app with more cards (its project name and app uid are the seed's, so this deploy replaces the live build).
  const sized = [{ cards: 1, pageMs, cardMs }];
  for (const n of MORE_CARDS) {
    const project = writeSizedProject(n);
    try {
      await deployProject(api, project);
      sized.push(await visits(n));
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }
  await close();

  console.log(`record page, warm, median of ${RUNS} visits:`);
  console.log(`  page's own first render (heading):  ${ms(pageMs)}`);
  console.log(`  seed card's first rendered text:    ${ms(cardMs)}`);
  console.log(
    `deploy seen by the CLI → open page shows the new card: ${reloads.map((x) => `${x.toFixed(0)} ms`).join(", ")} (the deploy status is polled every 100 ms)`,
  );
  console.log(`ratio card/page first render: ${(cardMs / pageMs).toFixed(2)}x`);
  for (const r of sized)
    console.log(
      `${String(r.cards).padStart(2)} cards: page ${ms(r.pageMs)}, every card's first text ${ms(r.cardMs)}, ratio ${(r.cardMs / r.pageMs).toFixed(2)}x`,
    );

  const xLabel = "cards on the record page";
  writeResult({
    bench: "extensions",
    command: "npx tsx --conditions=sprocket-source bench/extensions/run.ts",
    measuredAt: new Date().toISOString(),
    machine: machine(startLoad),
    series: [
      {
        id: "cards",
        title: "navigation → every card's first text",
        unit: "ms",
        xLabel,
        points: sized.map((r) => ({ x: r.cards, y: Math.round(r.cardMs) })),
      },
      {
        id: "page",
        title: "navigation → the page's own first render",
        unit: "ms",
        xLabel,
        points: sized.map((r) => ({ x: r.cards, y: Math.round(r.pageMs) })),
      },
    ],
    ratios: [
      ...sized.map((r) => ({
        id: `cards-over-page-${r.cards}`,
        title: `cards / page first render, ${r.cards} card${r.cards > 1 ? "s" : ""}`,
        value: Number((r.cardMs / r.pageMs).toFixed(2)),
        met: true,
      })),
      { id: "reload-ms", title: "deploy → open page shows the new card, median of 3 (ms)", value: Math.round(median(reloads)), met: true },
    ],
  });
} finally {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
