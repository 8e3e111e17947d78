import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/database";
import { ConfigError, loadConfig } from "../src/config";
import { OtlpExporter } from "../src/logs/otlp-export";
import { retryDelay } from "../src/logs/otlp-retry";
import type { StoredRow } from "../src/logs/log-sink";
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
    server = await startTestServer({ demoCrm: false, env: { SPROCKET_OTLP_ENDPOINT: collectorUrl } });
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
    const res = await fetch(`${server.url}/account-info/v3/api-usage/daily/private-apps`, {
      headers: { authorization: `Bearer ${token}`, traceparent: traceparent(traceId, run.spanId) },
    });
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
    expect(() => loadConfig({}, { SPROCKET_OTLP_ENDPOINT: "collector:4318" })).toThrow(ConfigError);
    expect(() => loadConfig({}, { SPROCKET_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      /SPROCKET_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => loadConfig({}, { SPROCKET_LOG_RETENTION_DAYS: "0" })).toThrow(/SPROCKET_LOG_RETENTION_DAYS/);
    expect(() => loadConfig({}, { SPROCKET_LOG_RETENTION_DAYS: "a month" })).toThrow(/whole number of days/);
    expect(loadConfig({}, {}).logs).toEqual({ retentionDays: 30, otlpEndpoint: undefined, recordApiCalls: true });
    expect(loadConfig({ recordApiCalls: false }, {}).logs.recordApiCalls).toBe(false);
    expect(loadConfig({}, { SPROCKET_LOG_RETENTION_DAYS: "7", SPROCKET_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).logs).toMatchObject({
      retentionDays: 7,
      otlpEndpoint: "http://127.0.0.1:4318",
    });
  });
});

/** One stored API call, as the sink hands it to the exporter. */
const apiCallRow = (spanId: string): StoredRow =>
  ({
    table: "api_calls",
    row: {
      trace_id: newTraceId(),
      span_id: spanId,
      parent_span_id: null,
      method: "GET",
      path: "/x",
      query: "",
      status: 200,
      created_at: Date.now(),
      duration_ms: 1,
      user_agent: null,
      address: null,
      account_id: 1,
      app_id: null,
      token_id: null,
    },
  }) as unknown as StoredRow;

/** A collector that answers each request with the next of `replies` (then 200): a status, or "reset" to drop the connection. */
async function flakyCollector(replies: Array<number | "reset" | { status: number; retryAfter: string }>) {
  const bodies: string[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const reply = replies[requests++] ?? 200;
      if (reply === "reset") return void req.socket.destroy();
      const status = typeof reply === "number" ? reply : reply.status;
      if (status === 200) bodies.push(text);
      res.writeHead(status, typeof reply === "object" ? { "retry-after": reply.retryAfter } : {}).end(status === 200 ? "{}" : "busy");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    bodies,
    requests: () => requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe("OTLP export retries", () => {
  const fast = { attempts: 5, baseMs: 1, maxMs: 5 };

  it("tries again after 503, 429 with Retry-After, 502, 504 and a dropped connection, and delivers the batch once", async () => {
    const collector = await flakyCollector([503, { status: 429, retryAfter: "0" }, 502, "reset"]);
    const errors: unknown[] = [];
    const exporter = new OtlpExporter(collector.url, (e) => errors.push(e), fast);
    exporter.export([apiCallRow("00f067aa0ba902b7")]);
    await exporter.flush();
    await collector.close();
    expect(errors).toEqual([]);
    expect(exporter.dropped).toBe(0);
    expect(collector.requests()).toBe(5);
    expect(collector.bodies).toHaveLength(1);
    expect(JSON.parse(collector.bodies[0]!).resourceSpans[0].scopeSpans[0].spans[0].spanId).toBe("00f067aa0ba902b7");
  });

  it("gives up after its tries, and at once on an answer that will not change (400), dropping and counting the batch", async () => {
    const collector = await flakyCollector([503, 503, 503, 400]);
    const errors: unknown[] = [];
    const exporter = new OtlpExporter(collector.url, (e) => errors.push(e), { ...fast, attempts: 3 });
    exporter.export([apiCallRow("00f067aa0ba902b7")]);
    await exporter.flush();
    expect(collector.requests()).toBe(3);
    expect(exporter.dropped).toBe(1);
    expect(String(errors[0])).toContain("HTTP 503");
    exporter.export([apiCallRow("00f067aa0ba902b8")]);
    await exporter.flush();
    await collector.close();
    expect(collector.requests()).toBe(4);
    expect(exporter.dropped).toBe(2);
    expect(String(errors[1])).toContain("HTTP 400");
    expect(collector.bodies).toEqual([]);
  });

  it("stops waiting when closed: a server shutting down drops what the collector cannot take now, and says so", async () => {
    const collector = await flakyCollector([503, 503, 503]);
    const errors: unknown[] = [];
    // Back-off of a minute: close() must not wait it out.
    const exporter = new OtlpExporter(collector.url, (e) => errors.push(e), { attempts: 5, baseMs: 60_000, maxMs: 60_000 });
    exporter.export([apiCallRow("00f067aa0ba902b7")]);
    await expect.poll(() => collector.requests()).toBe(1);
    await exporter.close();
    await collector.close();
    expect(collector.requests()).toBe(1);
    expect(exporter.dropped).toBe(1);
    expect(String(errors[0])).toContain("HTTP 503");
  });

  it("waits what Retry-After asks (seconds or a date), bounded, and otherwise backs off exponentially with jitter", () => {
    const options = { attempts: 5, baseMs: 100, maxMs: 1_000 };
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryDelay(0, "0", options, now)).toBe(0);
    expect(retryDelay(0, "1", options, now)).toBe(1_000);
    expect(retryDelay(0, "120", options, now)).toBe(1_000);
    expect(retryDelay(0, "Thu, 01 Jan 2026 00:00:00 GMT", options, now - 500)).toBe(500);
    expect(retryDelay(0, "soon", options, now, () => 1)).toBe(100);
    expect([0, 1, 2, 3, 4].map((attempt) => retryDelay(attempt, null, options, now, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(retryDelay(3, null, options, now, () => 0.5)).toBe(400);
  });
});
