// Issue #20: a project's dependencies install as its author expects, uploaded as HubSpot's CLI uploads it. A lock file
// out of step or pinning a version the registry does not serve builds with a warning naming the cause; a yarn.lock-only
// folder and an npm workspace build; a failed install fails with npm's reason in project paths, and no build message
// names a server folder.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSettings } from "../src/projects/build-settings";
import { ProjectApi, zipFixtureSource } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let api: ProjectApi;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
}, 120_000);
afterAll(async () => {
  await server.stop();
});

/** Uploads a fixture's src/ and waits for its build; answers the build and its warnings (`combined/warn`). */
async function build(fixture: string) {
  const name = path.basename(fixture);
  if ((await api.call("GET", `/developer/projects/v1/by-name/${name}`)).status === 404)
    await api.call("POST", "/developer/projects/v1", { body: { name } });
  const upload = await api.upload(name, await zipFixtureSource(fixture), { platformVersion: "2023.2" });
  expect(upload.status, JSON.stringify(upload.body)).toBe(200);
  const done = await api.waitForBuild(name, upload.body.buildId);
  const warn = await api.call("GET", `/dfs/logging/v1/logs/projects/${name}/builds/${upload.body.buildId}/combined/warn`);
  const functions = done.subbuildStatuses.find((s: { buildName: string }) => s.buildName === "app.functions");
  return { done, functions, warnings: (warn.body.logs as Array<{ message: string; pipelineStepId: string }>).map((l) => l.message) };
}

async function callFunction(appUid: string, parameters: object) {
  const apps = await api.call("GET", "/api/v1/private-apps");
  const appId = apps.body.results.find((a: { uid: string }) => a.uid === appUid).appId;
  const run = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: "check", parameters },
  });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  return run.body.response;
}

describe("dependencies install like a user expects", () => {
  it("a package-lock.json out of step builds with npm install, warning with npm's mismatch, and the function runs", async () => {
    const { done, warnings } = await build("deps-lock-out-of-step");
    expect(done.status).toBe("SUCCESS");
    expect(warnings).toEqual([
      expect.stringMatching(
        /^app\/app\.functions\/package-lock\.json is out of step with app\/app\.functions\/package\.json, so npm ci refused it \(Missing: is-odd@/,
      ),
    ]);
    await api.waitForDeploy("deps-lock-out-of-step", Number(done.deployStatusTaskLocator.id));
    expect(await callFunction("deps-lock-out-of-step-app", { value: 3 })).toEqual({ isNumber: true, isOdd: true });
  });

  it("a package-lock.json pinning is-number 99.0.0 builds from package.json's range, naming the pin", async () => {
    const { done, warnings } = await build("deps-lock-version-gone");
    expect(done.status).toBe("SUCCESS");
    expect(warnings).toEqual([expect.stringContaining("Invalid: lock file's is-number@99.0.0 does not satisfy")]);
  });

  it("a yarn.lock-only function folder builds with yarn.lock's versions, and says how", async () => {
    const { done, warnings } = await build("deps-yarn-lock");
    expect(done.status).toBe("SUCCESS");
    expect(warnings).toEqual([expect.stringMatching(/^app\/app\.functions\/yarn\.lock: dependencies are installed with npm, not yarn/)]);
  });

  it("an npm workspace inside the function folder builds, and the function runs the workspace's code", async () => {
    const { done, warnings } = await build("deps-npm-workspace");
    expect(done.status, JSON.stringify(done.subbuildStatuses)).toBe("SUCCESS");
    expect(warnings).toEqual([]);
    await api.waitForDeploy("deps-npm-workspace", Number(done.deployStatusTaskLocator.id));
    expect(await callFunction("deps-npm-workspace-app", { value: 5 })).toEqual({ greeting: "Hello, number 5" });
  });

  it("a version the registry does not have fails the build with npm's reason in project paths, and no server folder in any message", async () => {
    const { done, functions } = await build("broken/dependency-not-found");
    expect(done.status).toBe("FAILURE");
    expect(functions).toMatchObject({
      status: "FAILURE",
      errorMessage: "npm install failed with exit code 1 in app/app.functions: No matching version found for is-number@99.0.0.",
      standardError: { subCategory: "BuildPipelineErrorType.BUILD_DEPENDENCY_INSTALL_FAILED" },
    });
    const reason = functions.standardError.errors.map((e: { message: string }) => e.message);
    expect(reason).toEqual(
      expect.arrayContaining([
        functions.errorMessage,
        "npm error code ETARGET",
        "npm error notarget No matching version found for is-number@99.0.0.",
      ]),
    );
    expect(reason.join("\n")).not.toContain("Usage:");

    const settings = buildSettings(server.platform.config);
    const everything = JSON.stringify(done);
    for (const serverPath of [server.platform.config.dataDir, settings.workDir, settings.depsCacheDir, ".installing-", ".npm-home-"])
      expect(everything).not.toContain(serverPath);
  });
});
