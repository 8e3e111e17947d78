import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { ProjectApi } from "../../server/test/support/project-api";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { runInProcess } from "./run-cli";

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await api.call("POST", "/developer/projects/v1", { body: { name: "function-throws" } });
  const zip = await zipDirectory(path.join(PROJECTS_DIR, "function-throws/src"), { ignore: hubspotUploadIgnore });
  const upload = await api.upload("function-throws", zip, { platformVersion: "2025.1" });
  const build = await api.waitForBuild("function-throws", upload.body.buildId);
  await api.waitForDeploy("function-throws", Number(build.deployStatusTaskLocator.id));
  env = { SPROCKET_CONFIG_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-")), "config.yml") };
  expect(
    (await runInProcess(["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey], env)).code,
  ).toBe(0);
}, 240_000);
afterAll(async () => {
  await server.stop();
});

const THROWN_AT = "at exports2.distance (app/app.functions/lib/distance.js:5:11)";
const CALLED_AT = "at exports.main (app/app.functions/proximity.js:8:14)";

describe("a failed function in the CLI", () => {
  let traceId: string;

  it("function run prints what the function logged and where it failed, in the project's files", async () => {
    const res = await runInProcess(
      ["function", "run", "function-throws-app", "proximity", "--params", '{"from":{"x":1},"to":{"x":2}}'],
      env,
    );
    expect(res.code).toBe(1);
    const lines = res.stderr.split("\n");
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    // The logs, then the frames, then the message with its trace id.
    expect(at('[log] measuring from {"x":1}')).toBeGreaterThanOrEqual(0);
    expect(at('[warn] to {"x":2}')).toBeGreaterThan(at("[log] measuring"));
    expect(at(THROWN_AT)).toBeGreaterThan(at("[warn] to"));
    expect(at(CALLED_AT)).toBe(at(THROWN_AT) + 1);
    expect(at("No distance between")).toBeGreaterThan(at(CALLED_AT));
    expect(res.stderr).not.toContain(os.tmpdir());
    expect(res.stderr).not.toMatch(/node:internal|child-entry/);
    traceId = /Trace ID: ([0-9a-f]{32})/.exec(res.stderr)![1]!;
  });

  it("logs functions explains the failed run below its table; logs trace shows it under the run's span", async () => {
    await server.platform.logs.flush();
    const list = await runInProcess(["logs", "functions", "--app", "function-throws-app"], env);
    expect(list.code).toBe(0);
    const failure = list.stdout.slice(list.stdout.indexOf("✖ proximity ERROR"));
    expect(failure).toContain('[log] measuring from {"x":1}');
    expect(failure).toContain(THROWN_AT);
    expect(failure).toContain(CALLED_AT);
    const trace = await runInProcess(["logs", "trace", traceId], env);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toMatch(/function proximity ERROR: No distance between/);
    expect(trace.stdout).toContain('[warn] to {"x":2}');
    expect(trace.stdout).toContain(THROWN_AT);
    expect(list.stdout + trace.stdout).not.toContain(os.tmpdir());
  });
});
