import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

const PROJECT = path.join(import.meta.dirname, "fixtures/functions-project");

let server: TestServer;
let api: ProjectApi;
let appId: number;
let deployId: number;

async function run(name: string, parameters: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: name, parameters },
    headers,
  });
}

beforeAll(async () => {
  // The production default of spare runners (test servers start with none), so these calls go through the spares.
  server = await startTestServer({ env: { SPROCKET_FUNCTION_TIMEOUT_MS: "1500", SPROCKET_FUNCTION_SPARE_RUNNERS: "2" } });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  const zip = await zipDirectory(path.join(PROJECT, "src"), { ignore: hubspotUploadIgnore });
  expect((await api.call("POST", "/developer/projects/v1", { body: { name: "functions-suite" } })).status).toBeLessThan(300);
  const upload = await api.upload("functions-suite", zip, { platformVersion: "2025.1" });
  expect(upload.status).toBe(200);
  const build = await api.waitForBuild("functions-suite", upload.body.buildId);
  expect(build.status).toBe("SUCCESS");
  deployId = Number(build.deployStatusTaskLocator.id);
  await api.waitForDeploy("functions-suite", deployId);
  const apps = await api.call("GET", "/api/v1/private-apps");
  appId = apps.body.results.find((a: { uid: string }) => a.uid === "functions-suite").appId;
  await api.call("POST", "/cms/v3/functions/secrets", { body: { key: "GREETING", secret: "Bonjour" } });
}, 240_000);

afterAll(async () => {
  await server.stop();
});

describe("app functions through the execution endpoint", () => {
  it("runs an async function with its parameters, its declared secret and HubSpot's reply shape", async () => {
    const res = await run("echo", { text: "hi" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      logId: expect.any(String),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      response: {
        parameters: { text: "hi" },
        greeting: "Bonjour",
        accountId: server.bootstrap.info.accountId,
        event: { type: "SERVERLESS_ACTION_HOOK" },
      },
    });
    expect(res.body.logs.map((l: { message: string }) => l.message)).toEqual(['echoing {"text":"hi"}']);
  });

  it("runs a callback-style function as the seed writes it", async () => {
    const res = await run("callback", { text: "seed" });
    expect(res.body.response).toBe("You entered: seed");
  });

  it("keeps the caller's trace id from traceparent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await run("echo", {}, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.body.traceId).toBe(traceId);
  });

  it.each([
    ["loop", "TIMEOUT", /timed out after 1\.\d\d seconds/],
    ["crash", "CRASHED", /failed to execute/],
    ["fail", "ERROR", /the lookup service said no/],
  ])("answers %s with 400 naming the function, the outcome %s and the trace id, and keeps serving", async (name, outcome, message) => {
    const res = await run(name);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR", subCategory: `ServerlessExecution.${outcome}` });
    expect(res.body.message).toMatch(message);
    expect(res.body.message).toContain(`'${name}'`);
    expect(res.body.errors[0].context.traceId[0]).toMatch(/^[0-9a-f]{32}$/);
    expect((await run("echo", { after: name })).body.response.parameters).toEqual({ after: name });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("sandboxes a function: only its own secrets, no files outside its bundle, no processes", async () => {
    const res = await run("peek", { dataDir: server.db.dataDir });
    const seen = res.body.response;
    expect(seen.otherSecret).toBeNull();
    expect(seen.env).toEqual(["HS_ENVIRONMENT", "HS_HUBLET", "HS_SERVERLESS_FUNCTION_ID", "PRIVATE_APP_ACCESS_TOKEN"]);
    expect(seen.passwd).toEqual({ ok: false, code: "ERR_ACCESS_DENIED" });
    expect(seen.dataDir).toEqual({ ok: false, code: "ERR_ACCESS_DENIED" });
    expect(seen.spawn).toEqual({ ok: false, code: "ERR_ACCESS_DENIED" });
  });

  it("routes a call to api.hubapi.com back to Sprocket with the app's token", async () => {
    const res = await run("callHome");
    expect(res.body.response.status).toBe(200);
    expect(res.body.response.body.results[0]).toMatchObject({ name: "private-apps-api-calls-daily", usageLimit: 1_000_000 });
  });

  // C1, M2: a function opened the platform's PostgreSQL as superuser and published to its Redis.
  it.each([
    ["PostgreSQL", 5432],
    ["Redis", 6379],
  ])("keeps a function off the platform's %s on 127.0.0.1:%i", async (_name, port) => {
    const res = await run("reach", { host: "127.0.0.1", port });
    expect(res.body.response).toEqual({ ok: false, code: "EACCES" });
  });

  // F10: 40 MB messages over the old IPC channel stalled the event loop for up to 1.6 s.
  it("stops a runner that floods the server with an oversized message, and keeps serving", async () => {
    const res = await run("flood");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ subCategory: "ServerlessExecution.CRASHED" });
    expect(res.body.message).toMatch(/over the \d+-byte limit/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await run("echo", { after: "flood" })).body.response.parameters).toEqual({ after: "flood" });
  });

  it("says which functions exist when the name is wrong", async () => {
    const res = await run("nope");
    expect(res.status).toBe(404);
    expect(res.body.message).toContain("echo");
  });
});

describe("public endpoints", () => {
  it("serves a function's endpoint at /<account>/_hcms/api/<path> on the endpoint listener with its status, headers and body", async () => {
    const endpoint = `${server.functionsUrl}/${server.bootstrap.info.accountId}/_hcms/api/hello`;
    const res = await fetch(`${endpoint}?name=Ada`);
    expect(res.status).toBe(201);
    expect(res.headers.get("x-greeting")).toBe("hi");
    expect(await res.json()).toEqual({ hello: "Ada", method: "GET" });
    expect((await fetch(endpoint, { method: "POST" })).status).toBe(404);
  });
});

describe("secrets", () => {
  it("warns at deploy about a listed secret the account does not define yet", async () => {
    const warn = await api.call("GET", `/dfs/logging/v1/logs/projects/functions-suite/deploys/${deployId}/combined/warn`);
    expect(warn.body.logs.map((l: { message: string }) => l.message)).toEqual([expect.stringContaining("lists the secret GREETING")]);
  });

  it("adds, lists, updates and deletes secrets without ever returning a value", async () => {
    expect((await api.call("POST", "/cms/v3/functions/secrets", { body: { key: "API_KEY", secret: "s3cr3t-value" } })).status).toBe(201);
    expect((await api.call("POST", "/cms/v3/functions/secrets", { body: { key: "API_KEY", secret: "x" } })).status).toBe(409);
    expect((await api.call("PUT", "/cms/v3/functions/secrets", { body: { key: "API_KEY", secret: "v2" } })).status).toBe(200);
    const list = await api.call("GET", "/cms/v3/functions/secrets");
    expect(list.body.results).toEqual(["API_KEY", "GREETING"]);
    expect(JSON.stringify(list.body)).not.toContain("v2");
    expect((await api.call("DELETE", "/cms/v3/functions/secrets/API_KEY")).status).toBe(204);
    expect((await api.call("DELETE", "/cms/v3/functions/secrets/API_KEY")).status).toBe(404);
    const bad = await api.call("POST", "/cms/v3/functions/secrets", { body: { key: "not-valid!", secret: "x" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("not a valid secret name");
    const stored = await server.platform.store.db.selectFrom("secrets").select("value_sealed").execute();
    expect(stored.map((r) => r.value_sealed).join()).not.toContain("Bonjour");
  });
});
