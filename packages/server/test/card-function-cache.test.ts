import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "./support/project-api";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";

// A node alone (no Redis) keeps a card function's app and build between calls (functions/function-configs.ts). The
// clock stands still, so nothing here expires by time: only the invalidation at each change can make a call see it.
const NAME = "function-cache";

let server: TestServer;
let api: ProjectApi;
let appId: number;
let source: string;

/** Uploads the app with a function `which` answering `answer`, and waits until the deploy reads SUCCESS. */
async function deploy(answer: string): Promise<void> {
  fs.writeFileSync(path.join(source, "app/app.functions/which.js"), `exports.main = async () => ${JSON.stringify(answer)};\n`);
  const upload = await api.upload(NAME, await zipDirectory(source), { platformVersion: "2025.1" });
  expect(upload.status).toBe(200);
  const build = await api.waitForBuild(NAME, upload.body.buildId);
  expect(build, JSON.stringify(build)).toMatchObject({ status: "SUCCESS" });
  await api.waitForDeploy(NAME, Number(build.deployStatusTaskLocator.id));
}

const which = () =>
  api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, { body: { serverlessFunction: "which" } });

beforeAll(async () => {
  server = await startTestServer({ clock: manualClock() });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  source = fs.mkdtempSync(path.join(os.tmpdir(), "function-cache-"));
  fs.mkdirSync(path.join(source, "app/app.functions"), { recursive: true });
  fs.writeFileSync(
    path.join(source, "app/app.json"),
    JSON.stringify({
      name: "Function cache",
      description: "A function whose answer names its build.",
      uid: "function-cache",
      scopes: ["crm.objects.contacts.read"],
      public: false,
      extensions: {},
    }),
  );
  fs.writeFileSync(
    path.join(source, "app/app.functions/serverless.json"),
    JSON.stringify({ runtime: "nodejs18.x", version: "1.0", appFunctions: { which: { file: "which.js", secrets: [] } } }),
  );
  expect((await api.call("POST", "/developer/projects/v1", { body: { name: NAME } })).status).toBeLessThan(300);
  await deploy("first build");
  appId = (await api.call("GET", "/api/v1/private-apps")).body.results.find((a: { uid: string }) => a.uid === "function-cache").appId;
}, 240_000);

afterAll(async () => {
  await server.stop();
  fs.rmSync(source, { recursive: true, force: true });
});

describe("a card function's build kept on a node alone", () => {
  it("serves the new build on the first call after its deploy reads SUCCESS", async () => {
    expect((await which()).body.response).toBe("first build");
    expect((await which()).body.response).toBe("first build");
    await deploy("second build");
    expect((await which()).body.response).toBe("second build");
  });

  it("answers 404 on the first call after the app is deleted", async () => {
    expect((await which()).status).toBe(200);
    expect((await api.call("DELETE", `/api/v1/private-apps/${appId}`)).status).toBe(204);
    const gone = await which();
    expect(gone.status).toBe(404);
    expect(gone.body.subCategory).toBe("FUNCTION_NOT_FOUND");
  });
});
