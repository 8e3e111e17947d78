import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ProjectApi } from "../../server/test/support/project-api";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { fileText, loadProjectFromDir, validateProject } from "@sprocket/project-format";
import { planMigration } from "../src/services/migrate";
import { runInProcess } from "./run-cli";

let server: TestServer;
let api: ProjectApi;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-migrate-"));
  env = { SPROCKET_CONFIG_PATH: path.join(work, "config.yml") };
  const auth = await runInProcess(["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey], env);
  expect(auth.code).toBe(0);
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const copyFixture = (name: string, as = name) => {
  const dir = path.join(work, as);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
};

async function upload(dir: string): Promise<void> {
  const res = await runInProcess(["project", "upload", dir, "--json"], env);
  expect(res.code, res.stderr).toBe(0);
  expect(JSON.parse(res.stdout).deploy.status).toBe("SUCCESS");
}

type Component = { kind: string; name: string; config: Record<string, any> };

/** The deployed app as the API shows it, minus what names files (which the migration moves). */
async function deployedApp(uid: string) {
  const res = await api.call("GET", `/api/v1/private-apps/${uid}`);
  expect(res.status).toBe(200);
  const { name, scopes, auth, components } = res.body as { name: string; scopes: string[]; auth: unknown; components: Component[] };
  const shown = components.map(({ kind, name, config }) => {
    if (kind === "card")
      return { kind, name, title: config.title, location: config.location, objectTypes: config.objectTypes.map((t: any) => t.name) };
    if (kind === "function") return { kind, name, secrets: config.secrets, endpoint: config.endpoint ?? null };
    // webhooks.json spells a subscription's object `objectName`, the 2025.2 component `objectType`: the server reads both.
    const subscriptions = config.config.subscriptions;
    const crmObjects = subscriptions.crmObjects.map(({ objectName, ...s }: any) => ({ objectType: objectName, ...s }));
    return { kind, name, settings: config.config.settings, subscriptions: { ...subscriptions, crmObjects } };
  });
  return { name, scopes, auth, components: shown.sort((a, b) => `${a.kind}:${a.name}`.localeCompare(`${b.kind}:${b.name}`)) };
}

describe("sprocket project migrate", () => {
  it("migrates seed-example in place to 2026.03, keeping the old source in archive/, and the upload deploys the same app", async () => {
    const dir = copyFixture("seed-example");
    await upload(dir);
    const before = await deployedApp("unique-app-name");
    expect(before.components.map((c) => `${c.kind}:${c.name}`)).toEqual(["card:example-card", "function:myFunc"]);

    // A file uploads leave out is the project's all the same: it moves with its folder.
    fs.writeFileSync(path.join(dir, "src/app/extensions/.env"), "LOCAL=1\n");
    const res = await runInProcess(["project", "migrate", dir], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/app +unique-app-name +src\/app\/app-hsmeta\.json +← src\/app\/app\.json/);
    expect(res.stdout).toMatch(
      /card +example-card +src\/app\/cards\/example-card-hsmeta\.json +← src\/app\/extensions\/example-card\.json/,
    );
    expect(res.stdout).toMatch(/app-function +myFunc +src\/app\/functions\/myFunc-hsmeta\.json/);
    expect(res.stdout).toContain("src/app/extensions/ → src/app/cards/");
    expect(res.stdout).toContain("✔ The migrated project validates");
    expect(res.stdout).toContain("Migrated seed-example from 2023.2 to 2026.03: 1 app, 1 card(s), 1 function(s)");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "hsproject.json"), "utf8"))).toEqual({
      name: "seed-example",
      srcDir: "src",
      platformVersion: "2026.03",
    });
    expect(fs.readFileSync(path.join(dir, "archive/app/app.json"), "utf8")).toBe(
      fs.readFileSync(path.join(FIXTURES, "seed-example/src/app/app.json"), "utf8"),
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, "src/app/functions/myFunc-hsmeta.json"), "utf8"))).toEqual({
      uid: "myFunc",
      type: "app-function",
      config: { entrypoint: "/app/functions/example-function.js", secretKeys: [] },
    });
    expect(fs.existsSync(path.join(dir, "src/app/app.json"))).toBe(false);
    expect(fs.readFileSync(path.join(dir, "src/app/cards/.env"), "utf8")).toBe("LOCAL=1\n");

    await upload(dir);
    expect(await deployedApp("unique-app-name")).toEqual(before);

    // A second run finds nothing to do, and an archive from an earlier run is never overwritten silently.
    const again = await runInProcess(["project", "migrate", dir], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already on platform version 2026.03: nothing to migrate");
  });

  it("migrates webhooks, two cards sharing a module, a function helper and an endpoint into --out; the same app deploys and its function runs", async () => {
    const source = path.join(FIXTURES, "migrate-legacy");
    await upload(source);
    const before = await deployedApp("migrate-legacy-app");
    expect(before.components.map((c) => `${c.kind}:${c.name}`)).toEqual([
      "card:contact-score",
      "card:deal-summary",
      "function:quote-feed",
      "function:score",
      "webhooks:migrate-legacy-app-webhooks",
    ]);

    const out = path.join(work, "migrate-legacy-2026");
    const res = await runInProcess(["project", "migrate", source, "--out", out], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("src/app/webhooks/webhooks-hsmeta.json  ← src/app/webhooks/webhooks.json");
    expect(res.stdout).toContain("note src/app/extensions/deals/Deal Summary.json names no uid: the card keeps 'deal-summary'");
    expect(res.stdout).not.toContain("archive");
    expect(
      JSON.parse(fs.readFileSync(path.join(out, "src/app/webhooks/webhooks-hsmeta.json"), "utf8")).config.subscriptions.crmObjects[1],
    ).toEqual({
      subscriptionType: "object.propertyChange",
      objectType: "deal",
      propertyName: "amount",
      active: true,
    });
    expect(fs.existsSync(path.join(out, "src/app/cards/deals/DealCard.jsx"))).toBe(true);
    expect(fs.existsSync(path.join(out, "src/app/functions/lib/weights.js"))).toBe(true);
    expect(fs.existsSync(path.join(source, "archive"))).toBe(false);

    await upload(out);
    expect(await deployedApp("migrate-legacy-app")).toEqual(before);
    const run = await runInProcess(["function", "run", "migrate-legacy-app", "score", "--params", '{"objectId":"5"}', "--json"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).response).toEqual({ score: 60 });

    const taken = await runInProcess(["project", "migrate", source, "--out", out], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("exists and is not empty; choose another --out, or add --force to replace it");
  });

  it("plans without writing on --dry-run, and refuses what 2025.2+ cannot hold, changing nothing", async () => {
    const dir = copyFixture("seed-example", "seed-refusals");
    const listing = () => fs.readdirSync(dir, { recursive: true }).sort();
    const untouched = listing();

    const dry = await runInProcess(["project", "migrate", dir, "--dry-run", "--json"], env);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ from: "2023.2", to: "2026.03", dryRun: true });
    expect(plan.components.map((c: { type: string; uid: string }) => `${c.type}:${c.uid}`)).toEqual([
      "app:unique-app-name",
      "card:example-card",
      "app-function:myFunc",
    ]);

    // The planner's refusals, in process (the binary's way of printing them is covered above).
    const files = await loadProjectFromDir(dir);
    const { project } = validateProject(files);
    expect(() => planMigration(files, project!, "2025.2")).toThrow(
      "src/app/app.functions/serverless.json declares myFunc: platform version 2025.2 has no serverless functions, and HubSpot's migration leaves them out. Migrate to 2026.03 (the default), which runs them.",
    );
    const second = new Map([...files].map(([p, c]) => [p.replace("src/app/", "src/second/"), c]));
    second.set("src/second/app.json", Buffer.from(fileText(files, "src/app/app.json")!.replace('"unique-app-name"', '"second-app"')));
    const twoApps = validateProject(new Map([...files, ...second]));
    expect(() => planMigration(files, twoApps.project!, "2026.03")).toThrow(
      "holds 2 apps (src/app/app.json, src/second/app.json); platform version 2026.03 allows one app per project",
    );

    fs.mkdirSync(path.join(dir, "archive"));
    const archived = await runInProcess(["project", "migrate", dir], env);
    expect(archived.code).toBe(2);
    expect(archived.stderr).toContain(
      "archive already exists (an earlier migration?); move it away, add --force to replace it, or use --out",
    );
    fs.rmdirSync(path.join(dir, "archive"));
    expect(listing()).toEqual(untouched);
  });
});
