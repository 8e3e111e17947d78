import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/database";
import { ConfigError } from "../src/config";
import { logsOptions } from "../src/logs/logs-service";
import { recordFunctionRun } from "../src/logs/function-runs";
import { newSpanId, newTraceId, traceparent } from "../src/logs/trace-context";
import { startTestServer, type TestServer } from "./support/test-server";
import { createTestApp } from "./support/test-apps";

/** A tiny OTLP/HTTP collector: it keeps every JSON body it receives, by path. */
let collector: http.Server;
let collectorUrl: string;
const received: Array<{ path: string; contentType: string | undefined; body: any }> = [];

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      received.push({ path: req.url!, contentType: req.headers["content-type"], body: JSON.parse(text) });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const address = collector.address() as { port: number };
  collectorUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise((r) => collector.close(r));
});

describe("OTLP export and shutdown", () => {
  let server: TestServer;

  it("writes pending events on shutdown and exports them as OTLP JSON spans when SPROCKET_OTLP_ENDPOINT is set", async () => {
    process.env.SPROCKET_OTLP_ENDPOINT = collectorUrl;
    try {
      server = await startTestServer();
    } finally {
      delete process.env.SPROCKET_OTLP_ENDPOINT;
    }
    const accountId = server.bootstrap.info.accountId;
    const { appId, token } = await createTestApp(server.platform, accountId, { scopes: [] });
    const traceId = newTraceId();
    const run = recordFunctionRun(server.platform, {
      accountId,
      appId,
      buildId: 1,
      functionName: "get-data",
      outcome: "ERROR",
      durationMs: 12,
      logs: [{ level: "error", message: "boom", ts: Date.now() }],
      error: { type: "Error", message: "boom", stack: "Error: boom" },
      traceId,
      parentSpanId: newSpanId(),
      invoker: { userId: null, label: "cli" },
    });
    const res = await fetch(`${server.url}/account-info/v3/api-usage/daily/private-apps`, { headers: { authorization: `Bearer ${token}`, traceparent: traceparent(traceId, run.spanId) } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // No flush: closing the server must write and export what is pending.
    await server.close();

    const store = openStore({ databaseUrl: server.db.databaseUrl, dataDir: server.db.dataDir });
    try {
      expect(await store.db.selectFrom("function_runs").select("trace_id").execute()).toEqual([{ trace_id: traceId }]);
      expect(await store.db.selectFrom("api_calls").select("trace_id").execute()).toEqual([{ trace_id: traceId }]);
    } finally {
      await store.close();
      await server.db.drop();
    }

    const spans = received
      .filter((r) => r.path === "/v1/traces")
      .flatMap((r) => {
        expect(r.contentType).toBe("application/json");
        return r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
      });
    const fn = spans.find((s: any) => s.name === "function get-data");
    const call = spans.find((s: any) => s.name === "GET /account-info/v3/api-usage/daily/private-apps");
    expect(fn).toMatchObject({ traceId, spanId: run.spanId, kind: 1, status: { code: 2, message: "boom" }, events: [{ name: "log" }] });
    expect(call).toMatchObject({ traceId, parentSpanId: run.spanId, kind: 2, status: { code: 1 } });
    expect(call.attributes).toContainEqual({ key: "http.response.status_code", value: { intValue: "200" } });
    expect(BigInt(call.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(call.startTimeUnixNano));
    const resource = received.find((r) => r.path === "/v1/traces")!.body.resourceSpans[0].resource;
    expect(resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "sprocket" } });
  });

  it("refuses a bad endpoint or retention setting with the setting's name", () => {
    expect(() => logsOptions({ SPROCKET_OTLP_ENDPOINT: "collector:4318" })).toThrow(ConfigError);
    expect(() => logsOptions({ SPROCKET_OTLP_ENDPOINT: "collector:4318" })).toThrow(/SPROCKET_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
    expect(() => logsOptions({ SPROCKET_LOG_RETENTION_DAYS: "0" })).toThrow(/SPROCKET_LOG_RETENTION_DAYS/);
    expect(() => logsOptions({ SPROCKET_LOG_RETENTION_DAYS: "a month" })).toThrow(/whole number of days/);
    expect(() => logsOptions({ SPROCKET_LOG_API_CALLS: "no" })).toThrow(/SPROCKET_LOG_API_CALLS: must be true or false/);
    expect(logsOptions({})).toMatchObject({ retentionDays: 30, otlpEndpoint: undefined, recordApiCalls: true });
    expect(logsOptions({ SPROCKET_LOG_API_CALLS: "false" }).recordApiCalls).toBe(false);
    expect(logsOptions({ SPROCKET_LOG_RETENTION_DAYS: "7", SPROCKET_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toMatchObject({ retentionDays: 7, otlpEndpoint: "http://127.0.0.1:4318" });
  });
});
