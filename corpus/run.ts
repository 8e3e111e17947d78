/**
 * The corpus measurement: do HubSpot projects that nobody here wrote deploy unchanged, and do their cards render?
 *
 *   npm run corpus -- <folder>…
 *
 * Every folder is searched for hsproject.json files (node_modules skipped). Each project is uploaded as HubSpot's CLI
 * uploads it (srcDir zipped with HubSpot's ignore rules) to a fresh server on an embedded store; when it deploys, a
 * record of every object type its cards target is created and its record page opened in headless Chromium, and each
 * card's RENDER_SUCCESS or RENDER_FAILURE extension event is awaited. One line per project, then a total.
 * `--json` prints the rows as JSON instead. See corpus/README.md for pointing it at HubSpot's public repositories.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "../packages/server/test/support/project-api";
import { createTestApp } from "../packages/server/test/support/test-apps";
import { ALL_CRM_SCOPES } from "../packages/server/test/support/crm-client";
import { launchChromium, recordPath, signedInPage } from "../test/e2e/fixtures/card-projects";
import { startBenchServer } from "../bench/support/bench-server";
import { findObjectType } from "../packages/server/src/crm/object-types";
import { findOAuthApp, grantInstall } from "../packages/server/src/oauth/oauth-service";
import type { Platform } from "../packages/server/src/platform";
import { recordPropertiesFor } from "./record-properties";

/** How long a card may take to report its first render before the harness calls it silent. */
const RENDER_WAIT_MS = 30_000;

export interface CorpusRow {
  project: string;
  outcome: "deployed" | "refused" | "build failed" | "deploy failed" | "harness error";
  detail: string;
  cards: number;
  rendered: number;
  cardErrors: string[];
  seconds: number;
}

interface DeployedCardRow {
  uid: string;
  title: string;
  location: string;
  objectTypes: string[];
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const roots = args.filter((a) => a !== "--json");
if (roots.length === 0) {
  process.stderr.write("usage: npm run corpus -- <folder with HubSpot projects>… [--json]\n");
  process.exit(2);
}

// Dependency installs are content-addressed: a second corpus run installs nothing.
const depsCacheDir = process.env.SPROCKET_DEPS_CACHE_DIR ?? path.join(os.tmpdir(), "sprocket-corpus-deps-cache");

function findProjects(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === "hsproject.json")) found.push(d);
    for (const e of entries) if (e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith(".")) walk(path.join(d, e.name));
  };
  walk(path.resolve(dir));
  return found.sort();
}

/**
 * An OAuth app's cards show only in accounts it is installed in, as on HubSpot, where its developer installs it into a
 * test account: the harness installs each deployed OAuth app into the project's own account, with its required scopes.
 */
async function installOAuthApps(platform: Platform, accountId: number, email: string): Promise<void> {
  const db = platform.store.db;
  const user = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  const apps = await db
    .selectFrom("private_apps")
    .select("client_id")
    .where("auth_type", "=", "oauth")
    .where("deleted_at", "is", null)
    .execute();
  for (const { client_id } of apps) {
    const app = await findOAuthApp(db, client_id!);
    if (!app) continue;
    await grantInstall(platform, { app, redirectUri: app.redirectUrls[0] ?? "", scopes: app.requiredScopes }, accountId, {
      userId: Number(user.id),
      label: email,
      address: null,
    });
  }
}

/** The first line of each problem a build or deploy reported, as HubSpot's CLI would show it. */
function firstProblem(status: any): string {
  const subs = [...(status?.subbuildStatuses ?? []), ...(status?.subdeployStatuses ?? [])];
  // An app's own status only says that one of its components failed: the component's reason comes first.
  const specificFirst = (s: any) => (s.buildType === "PRIVATE_APP" || s.buildType === "APPLICATION" ? 1 : 0);
  subs.sort((a, b) => specificFirst(a) - specificFirst(b));
  for (const s of subs) {
    const message = s.standardError?.errors?.[0]?.message ?? s.errorMessage;
    if (s.status === "FAILURE" && message) return String(message).split("\n").slice(0, 2).join(" ");
  }
  return JSON.stringify(status).slice(0, 200);
}

async function runProject(dir: string, browser: Browser, label: string): Promise<CorpusRow> {
  const started = Date.now();
  const row = (outcome: CorpusRow["outcome"], detail: string, extra: Partial<CorpusRow> = {}): CorpusRow => ({
    project: label,
    outcome,
    detail,
    cards: 0,
    rendered: 0,
    cardErrors: [],
    ...extra,
    seconds: (Date.now() - started) / 1000,
  });
  let config: { name?: string; srcDir?: string; platformVersion?: string };
  try {
    config = JSON.parse(readFileSync(path.join(dir, "hsproject.json"), "utf8"));
  } catch (e) {
    return row("refused", `hsproject.json: ${(e as Error).message}`);
  }
  const srcDir = path.join(dir, config.srcDir ?? "src");
  if (!config.name) return row("refused", "hsproject.json has no name (HubSpot's CLI refuses it too)");
  if (!existsSync(srcDir) || !statSync(srcDir).isDirectory())
    return row("refused", `srcDir ${config.srcDir ?? "src"} is not a folder of the project`);

  const server = await startBenchServer({ SPROCKET_DEPS_CACHE_DIR: depsCacheDir });
  try {
    const { accountId, personalAccessKey, superAdmin } = server.bootstrap.info;
    const db = server.platform.store.db;
    await db
      .updateTable("accounts")
      .set({ api_limit_ten_secondly: 1_000_000, search_limit_secondly: 100_000 })
      .where("id", "=", accountId)
      .execute();
    const api = new ProjectApi(server.url, personalAccessKey);
    await api.call("POST", "/developer/projects/v1", { body: { name: config.name } });
    const zip = await zipDirectory(srcDir, { ignore: hubspotUploadIgnore });
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), "project.zip");
    if (config.platformVersion !== undefined) form.set("platformVersion", config.platformVersion);
    form.set("uploadMessage", "corpus");
    const upload = await api.call("POST", `/dfs/v1/projects/upload/${encodeURIComponent(config.name)}`, { form });
    if (typeof upload.body?.buildId !== "number")
      return row("refused", `upload ${upload.status}: ${upload.body?.message ?? JSON.stringify(upload.body)}`);
    const build = await api.waitForBuild(config.name, upload.body.buildId, 600_000);
    if (build.status !== "SUCCESS") return row("build failed", firstProblem(build));
    const deployId = Number(build.deployStatusTaskLocator?.id);
    if (!Number.isFinite(deployId)) return row("deployed", "built; not deployed automatically");
    const deploy = await api.waitForDeploy(config.name, deployId);
    if (deploy.status !== "SUCCESS") return row("deploy failed", firstProblem(deploy));

    const cards = (await db.selectFrom("app_components").select("config").where("kind", "=", "card").execute()).map(
      (r) => JSON.parse(r.config) as DeployedCardRow,
    );
    if (cards.length === 0) return row("deployed", "no cards");
    await installOAuthApps(server.platform, accountId, superAdmin.email);
    const { token } = await createTestApp(server.platform, accountId, { uid: "corpus-crm", scopes: [...ALL_CRM_SCOPES, "e-commerce"] });
    const rendered = new Set<string>();
    const cardErrors: string[] = [];
    for (const typeName of [...new Set(cards.flatMap((c) => c.objectTypes))]) {
      const targeting = cards.filter((c) => c.objectTypes.includes(typeName));
      const type = findObjectType(typeName);
      if (!type) {
        cardErrors.push(...targeting.map((c) => `${c.uid}: no record page for object type ${typeName}`));
        continue;
      }
      const created = await fetch(`${server.url}/crm/v3/objects/${type.name}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ properties: recordPropertiesFor(type.name) }),
      });
      const record = (await created.json()) as { id?: string; message?: string };
      if (!record.id) {
        cardErrors.push(`${typeName}: could not create a record (${record.message ?? created.status})`);
        continue;
      }
      const opened = await signedInPage(browser, server.url, superAdmin);
      try {
        await opened.page.goto(recordPath(accountId, type.id, record.id));
        // Tab cards render once the Apps tab is open; sidebar cards render at once.
        const appsTab = opened.page.getByRole("tab", { name: "Apps" });
        if (targeting.some((c) => c.location === "crm.record.tab") && (await appsTab.count()) > 0) await appsTab.click();
        const outcomes = await awaitRenders(
          api,
          record.id,
          targeting.map((c) => c.uid),
        );
        for (const [uid, outcome] of outcomes) {
          if (outcome === "RENDER_SUCCESS") rendered.add(`${uid}@${typeName}`);
          else cardErrors.push(`${uid} on ${typeName}: ${outcome}`);
        }
        // The same console message repeats once per render: each is reported once.
        cardErrors.push(...new Set(opened.errors.map((e) => `page: ${e.slice(0, 160)}`)));
      } finally {
        await opened.close();
      }
    }
    const targets = cards.reduce((n, c) => n + c.objectTypes.length, 0);
    return row("deployed", cardErrors.length === 0 ? "every card rendered" : `${cardErrors.length} card problem(s)`, {
      cards: targets,
      rendered: rendered.size,
      cardErrors,
    });
  } catch (e) {
    return row("harness error", (e as Error).message.slice(0, 300));
  } finally {
    await server.stop();
  }
}

/** Waits for each card's first render report on the record: RENDER_SUCCESS, or RENDER_FAILURE with its message. */
async function awaitRenders(api: ProjectApi, objectId: string, uids: string[]): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>();
  const until = Date.now() + RENDER_WAIT_MS;
  while (outcomes.size < uids.length && Date.now() < until) {
    const res = await api.call("GET", "/api/v1/logs/extensions?limit=100");
    for (const e of (res.body?.results ?? []) as Array<{
      eventType: string;
      cardUid: string;
      objectId: string | null;
      message: string | null;
    }>) {
      if (e.objectId !== objectId || !uids.includes(e.cardUid) || outcomes.has(e.cardUid)) continue;
      if (e.eventType === "RENDER_SUCCESS") outcomes.set(e.cardUid, "RENDER_SUCCESS");
      if (e.eventType === "RENDER_FAILURE") outcomes.set(e.cardUid, `RENDER_FAILURE ${(e.message ?? "").slice(0, 160)}`);
    }
    if (outcomes.size < uids.length) await new Promise((r) => setTimeout(r, 250));
  }
  for (const uid of uids) if (!outcomes.has(uid)) outcomes.set(uid, `no render reported within ${RENDER_WAIT_MS / 1000} s`);
  return outcomes;
}

const projects = roots.flatMap((root) =>
  findProjects(root).map((dir) => ({ dir, label: path.relative(path.dirname(path.resolve(root)), dir) })),
);
const browser = await launchChromium();
const rows: CorpusRow[] = [];
try {
  for (const { dir, label } of projects) {
    const result = await runProject(dir, browser, label);
    rows.push(result);
    if (!json) {
      const cards = result.cards ? ` cards ${result.rendered}/${result.cards}` : "";
      process.stdout.write(`${result.outcome.padEnd(13)} ${label}${cards} (${result.seconds.toFixed(1)} s): ${result.detail}\n`);
      for (const error of result.cardErrors) process.stdout.write(`${" ".repeat(14)}- ${error}\n`);
    }
  }
} finally {
  await browser.close();
}
if (json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
else {
  const count = (o: CorpusRow["outcome"]) => rows.filter((r) => r.outcome === o).length;
  const clean = rows.filter((r) => r.outcome === "deployed" && r.cardErrors.length === 0).length;
  const cards = rows.reduce((n, r) => n + r.cards, 0);
  const rendered = rows.reduce((n, r) => n + r.rendered, 0);
  process.stdout.write(
    `\n${rows.length} projects: ${count("deployed")} deployed (${clean} with every card rendered), ${count("refused")} refused, ` +
      `${count("build failed")} build failed, ${count("deploy failed")} deploy failed, ${count("harness error")} harness errors; ` +
      `cards rendered ${rendered}/${cards}\n`,
  );
}
