import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

const PROJECT = path.join(PROJECTS_DIR, "function-throws");

let server: TestServer;
let api: ProjectApi;
let appId: number;

beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  const zip = await zipDirectory(path.join(PROJECT, "src"), { ignore: hubspotUploadIgnore });
  expect((await api.call("POST", "/developer/projects/v1", { body: { name: "function-throws" } })).status).toBeLessThan(300);
  const upload = await api.upload("function-throws", zip, { platformVersion: "2025.1" });
  const build = await api.waitForBuild("function-throws", upload.body.buildId);
  expect(build.status).toBe("SUCCESS");
  await api.waitForDeploy("function-throws", Number(build.deployStatusTaskLocator.id));
  const apps = await api.call("GET", "/api/v1/private-apps");
  appId = apps.body.results.find((a: { uid: string }) => a.uid === "function-throws-app").appId;
}, 240_000);

afterAll(async () => {
  await server.stop();
});

describe("a failed function's stack", () => {
  it("names the project's files and lines, no server folder and no runtime frames", async () => {
    const res = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
      body: { serverlessFunction: "proximity", parameters: { from: { x: 1 }, to: { x: 2 } } },
    });
    expect(res.status).toBe(400);
    const stack: string = res.body.errors[0].context.exception[0];
    console.log(stack);
  });
});
