import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

const PROJECT = path.join(import.meta.dirname, "fixtures/functions-project");
const NAME = "runners-suite";
const settled = { timeout: 20_000, interval: 25 };

let server: TestServer;
let api: ProjectApi;
let zip: Buffer;
let accountId: number;
let appId: number;

/** Uploads the project and waits until its build is live; returns the build id. */
async function deploy(): Promise<number> {
  const upload = await api.upload(NAME, zip, { platformVersion: "2025.1" });
  expect(upload.status).toBe(200);
  const build = await api.waitForBuild(NAME, upload.body.buildId);
  expect(build.status).toBe("SUCCESS");
  await api.waitForDeploy(NAME, Number(build.deployStatusTaskLocator.id));
  return upload.body.buildId as number;
}

const echo = () =>
  api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: "echo", parameters: { n: 1 } },
  });
const pool = () => server.platform.functions.runners;
const appBuilds = () =>
  pool()
    .stats()
    .builds.filter((key) => key.startsWith(`${accountId}/${appId}/`));
const folder = (buildId: number) => server.platform.functions.files.dirOf({ accountId, appId, buildId });

beforeAll(async () => {
  server = await startTestServer({ env: { SPROCKET_FUNCTION_RUNNER_IDLE_MS: "300" } });
  accountId = server.bootstrap.info.accountId;
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  zip = await zipDirectory(path.join(PROJECT, "src"), { ignore: hubspotUploadIgnore });
  expect((await api.call("POST", "/developer/projects/v1", { body: { name: NAME } })).status).toBeLessThan(300);
}, 240_000);

afterAll(async () => {
  await server.stop();
});

describe("function runners on a node", () => {
  let firstBuild: number;
  let secondBuild: number;

  it("stops an app's idle runner after the configured idle time; the next call starts one and answers", async () => {
    firstBuild = await deploy();
    appId = (await api.call("GET", "/api/v1/private-apps")).body.results.find((a: { uid: string }) => a.uid === "functions-suite").appId;
    expect((await echo()).body.response.parameters).toEqual({ n: 1 });
    await vi.waitFor(() => expect(pool().stats()).toMatchObject({ runners: 0, idle: 0, builds: [] }), settled);
    expect((await echo()).body.response.parameters).toEqual({ n: 1 });
  });

  it("retires a superseded build's runners at the redeploy and removes its unpacked folder", async () => {
    expect((await echo()).status).toBe(200);
    expect(fs.existsSync(folder(firstBuild))).toBe(true);
    secondBuild = await deploy();
    expect(secondBuild).not.toBe(firstBuild);
    // The idle time alone would stop the runner, but never remove the folder: only retiring the build does.
    await vi.waitFor(() => expect(fs.existsSync(folder(firstBuild))).toBe(false), settled);
    expect(appBuilds()).not.toContain(`${accountId}/${appId}/${firstBuild}`);
    expect((await echo()).body.response.parameters).toEqual({ n: 1 });
    expect(fs.existsSync(folder(secondBuild))).toBe(true);
  });

  it("retires a deleted app's runners and removes its folder", async () => {
    expect((await echo()).status).toBe(200);
    expect(fs.existsSync(folder(secondBuild))).toBe(true);
    expect((await api.call("DELETE", `/api/v1/private-apps/${appId}`)).status).toBe(204);
    await vi.waitFor(() => expect(fs.existsSync(folder(secondBuild))).toBe(false), settled);
    expect(appBuilds()).toEqual([]);
    expect((await echo()).status).toBe(404);
  });
});
