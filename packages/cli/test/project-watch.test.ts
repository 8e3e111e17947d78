import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { FIXTURES } from "../../server/test/support/project-api";
import { ignoredByWatch } from "../src/services/watch";
import { runCli } from "./run-cli";

const BIN = path.resolve(import.meta.dirname, "../bin/sprocket.js");

let server: TestServer;
let work: string;
let project: string;
let env: NodeJS.ProcessEnv;
let watcher: ChildProcess | undefined;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-watch-"));
  project = path.join(work, "seed-example");
  fs.cpSync(path.join(FIXTURES, "seed-example"), project, { recursive: true });
  env = { SPROCKET_CONFIG_PATH: path.join(work, "config.yml") };
  const auth = await runCli(
    ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
    env,
  );
  expect(auth.code, auth.stderr).toBe(0);
});
afterAll(async () => {
  if (watcher && watcher.exitCode === null) {
    watcher.kill("SIGKILL");
    await new Promise((resolve) => watcher!.once("exit", resolve));
  }
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("sprocket project watch and dev share one watcher", () => {
  it("leaves dependencies, build output and dotfiles alone, and watches the rest", () => {
    const ignored = ignoredByWatch(project);
    for (const file of [
      "node_modules/react/index.js",
      "src/app/extensions/node_modules/x.js",
      "dist/main.js",
      "src/app/dist/card.js",
      ".git/HEAD",
      "src/app/.Example.jsx.swp",
    ]) {
      expect(ignored(path.join(project, file)), file).toBe(true);
    }
    for (const file of ["", "hsproject.json", "src/app/app.json", "src/app/extensions/Example.jsx", "src/app/distribution.json"]) {
      expect(ignored(path.join(project, file)), file).toBe(false);
    }
  });

  it("refuses a debounce that is not a number, as dev does", async () => {
    for (const command of ["watch", "dev"]) {
      const res = await runCli(["project", command, project, "--debounce", "soon"], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('--debounce must be a number of milliseconds (got "soon")');
    }
  });

  it("uploads at start and after each save, and on SIGTERM stops once the upload under way is done", async () => {
    let output = "";
    watcher = spawn(process.execPath, [BIN, "project", "watch", project, "--debounce", "50"], {
      env: { ...process.env, ...env, NO_COLOR: "1" },
    });
    watcher.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    watcher.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const watching = () => output.split("Watching").length - 1;
    await expect.poll(watching, { timeout: 120_000 }).toBe(1);
    expect(output).toContain("✔ Deployed build #1");

    const card = path.join(project, "src/app/extensions/Example.jsx");
    fs.writeFileSync(card, fs.readFileSync(card, "utf8").replace("send some text", "send a little text"));
    await expect.poll(watching, { timeout: 120_000 }).toBe(2);
    expect(output).toContain("✔ Deployed build #2");

    fs.writeFileSync(card, fs.readFileSync(card, "utf8").replace("send a little text", "send some more text"));
    await expect.poll(() => output, { timeout: 120_000 }).toContain("- Building #3");
    watcher.kill("SIGTERM");
    expect(await new Promise((resolve) => watcher!.once("exit", (code) => resolve(code)))).toBe(0);
    expect(output).toContain("✔ Deployed build #3");
  });
});
