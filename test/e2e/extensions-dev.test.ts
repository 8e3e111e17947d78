// `sprocket project dev`: a save is pushed into a dev session, and an open record page shows the new card without a
// reload and without a new build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { runCli } from "../../packages/cli/test/run-cli";
import { launchChromium, recordPath, SHARED_PROJECTS, signedInPage } from "./fixtures/card-projects";

const BIN = path.resolve(import.meta.dirname, "../../packages/cli/bin/sprocket.js");

let server: TestServer;
let browser: Browser;
let work: string;
let dev: ChildProcess | undefined;
let output = "";
let env: NodeJS.ProcessEnv;

/** The versions of the example card the dev session has shown, one per push that changed it. */
const shownVersions = () =>
  [...output.matchAll(/example-card v(\d+) showing on open pages, \d+ ms after the (start|save)/g)].map((m) => Number(m[1]));

beforeAll(async () => {
  server = await startTestServer();
  work = mkdtempSync(path.join(tmpdir(), "sprocket-dev-"));
  cpSync(path.join(SHARED_PROJECTS, "seed-example"), path.join(work, "seed-example"), { recursive: true });
  env = { SPROCKET_CONFIG_PATH: path.join(work, "config.yml") };
  const auth = await runCli(
    ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
    env,
  );
  expect(auth.code, auth.stderr).toBe(0);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill("SIGINT");
    await new Promise((resolve) => dev!.once("exit", resolve));
  }
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("sprocket project dev", () => {
  it("refuses a folder without a project", async () => {
    const result = await runCli(["project", "dev", work], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No hsproject.json in ${work} or above`);
  });

  it("keeps the live build stream to signed-in users", async () => {
    const res = await fetch(`${server.url}/api/v1/record-cards/stream`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
  });

  it("refuses a debounce that is not a number", async () => {
    const result = await runCli(["project", "dev", path.join(work, "seed-example"), "--debounce", "soon"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--debounce must be a number of milliseconds (got "soon")');
  });

  it("shows a save on the open record page from the dev session, with no new build, and ends the session on Ctrl-C", async () => {
    const project = path.join(work, "seed-example");
    dev = spawn(process.execPath, [BIN, "project", "dev", project], { env: { ...process.env, ...env, NO_COLOR: "1" } });
    dev.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // A project never deployed is deployed once (build #1), then the session serves its cards.
    await expect.poll(shownVersions, { timeout: 120_000, interval: 200 }).toEqual([1]);
    expect(output).toContain("Deployed build #1");
    const sessionId = Number(/Dev session (\d+) for seed-example/.exec(output)![1]);

    const { token } = await createTestApp(server.platform, server.bootstrap.info.accountId, {
      uid: "crm-writer",
      scopes: ["crm.objects.contacts.write"],
    });
    const created = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { firstname: "Grace", lastname: "Hopper" } }),
    });
    const contactId = ((await created.json()) as { id: string }).id;
    const { page, errors, close } = await signedInPage(browser, server.url, server.bootstrap.info.superAdmin);
    await page.goto(recordPath(server.bootstrap.info.accountId, "0-1", contactId));
    await page.getByRole("tab", { name: "Apps" }).click();
    const card = page.getByRole("region", { name: /^Example card/ });
    await card.getByText("Hello Demo, send some text to the serverless function.").waitFor();
    expect(Number(await card.getAttribute("data-dev-session"))).toBe(sessionId);
    // Marks this document: it must still be the same one when the new card shows.
    await page.evaluate(() => ((globalThis as any).beforeTheSave = true));

    const file = path.join(project, "src/app/extensions/Example.jsx");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("send some text to the serverless function.", "this text was saved while the page was open."),
    );
    await expect.poll(shownVersions, { timeout: 60_000, interval: 200 }).toEqual([1, 2]);
    await card.getByText("Hello Demo, this text was saved while the page was open.").waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as any).beforeTheSave)).toBe(true);
    // Still build #1: the save made no build.
    expect(Number(await card.getAttribute("data-build-id"))).toBe(1);
    const builds = await runCli(["project", "list-builds", "--project", "seed-example", "--json"], env);
    expect(JSON.parse(builds.stdout).results.map((b: { buildId: number }) => b.buildId)).toEqual([1]);
    const history = await runCli(["project", "list-builds", "--project", "seed-example"], env);
    expect(history.stdout).toContain(`Dev session ${sessionId} open: 2 saves shown`);
    // The card's function runs from the deployed build.
    await card.getByLabel("Text").fill("after the edit");
    await card.getByRole("button", { name: "Send" }).click();
    await card.getByText("You entered: after the edit").waitFor();
    expect(errors).toEqual([]);

    dev.kill("SIGINT");
    expect(await new Promise((resolve) => dev!.once("exit", (code) => resolve(code)))).toBe(0);
    expect(output).toContain(`Dev session ${sessionId} closed`);
    // The session's end is announced: the page goes back to build #1's card, whose text is the deployed one.
    await card.getByText("Hello Demo, send some text to the serverless function.").waitFor({ timeout: 10_000 });
    expect(await card.getAttribute("data-dev-session")).toBeNull();
    await close();
  });
});
