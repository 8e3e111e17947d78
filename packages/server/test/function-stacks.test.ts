import os from "node:os";
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

/** What no stack shown to a developer may hold: a server folder or a frame of the runner. */
function expectNoServerTrace(text: string) {
  expect(text).not.toContain(os.tmpdir());
  expect(text).not.toContain(server.db.dataDir);
  expect(text).not.toMatch(/sprocket-functions-|child-entry|packages\/runtime|\(node:|<anonymous>/);
}

async function runProximity() {
  return api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: "proximity", parameters: { from: { x: 1 }, to: { x: 2 } } },
  });
}

describe("a failed function's stack", () => {
  it("is answered in the project's files and lines, with what the function logged, and no server folder or runtime frame", async () => {
    const res = await runProximity();
    expect(res.status).toBe(400);
    const { exception, logs } = res.body.errors[0].context;
    const stack: string = exception[0];
    const frames = stack.split("\n").filter((line) => line.startsWith("    at "));
    // lib/distance.js throws at 5:11; proximity.js calls it at 8:14.
    expect(frames[0]).toMatch(/^ {4}at \S*distance \(app\/app\.functions\/lib\/distance\.js:5:11\)$/);
    expect(frames[1]).toMatch(/^ {4}at \S*main \(app\/app\.functions\/proximity\.js:8:14\)$/);
    expect(stack.split("\n")[0]).toBe('Error: No distance between {"x":1} and {"x":2}');
    expectNoServerTrace(stack);
    expect(logs).toEqual(['[log] measuring from {"x":1}', '[warn] to {"x":2}']);
  });

  it("is mapped in what a function logs too (console.error of an error)", async () => {
    const res = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
      body: { serverlessFunction: "recover" },
    });
    expect(res.status).toBe(200);
    const [logged] = res.body.logs.map((line: { message: string }) => line.message);
    expect(logged).toContain("(app/app.functions/lib/distance.js:5:11)");
    expect(logged).toContain("(app/app.functions/recover.js:5:5)");
    // Below the function's own frame, the runner's (its socket, its promise) are one line.
    expect(logged.split("\n").at(-1)).toMatch(/^ {4}… \d+ Sprocket runtime frames?$/);
    expectNoServerTrace(logged);
  });

  it("is stored mapped: the run's detail and its trace show the same frames", async () => {
    const res = await runProximity();
    const traceId: string = res.body.errors[0].context.traceId[0];
    // The run is recorded after the reply: flush the log sink before reading it.
    await server.platform.logs.flush();
    const trace = await api.call("GET", `/api/v1/traces/${traceId}`);
    expect(trace.status).toBe(200);
    const run = trace.body.spans[0].event;
    expect(run).toMatchObject({
      kind: "function-run",
      outcome: "ERROR",
      logs: [{ level: "log", message: 'measuring from {"x":1}' }, { level: "warn" }],
    });
    expect(run.error.stack).toContain("(app/app.functions/lib/distance.js:5:11)");
    expectNoServerTrace(run.error.stack);
    const detail = await api.call("GET", `/api/v1/logs/functions/${run.id}`);
    expect(detail.body.error.stack).toBe(run.error.stack);
  });
});
