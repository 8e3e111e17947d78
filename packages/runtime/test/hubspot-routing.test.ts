import { chmodSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunnerPool, type RunnerPool } from "../src/index";
import { contextWith, readableTempDir } from "./fixture-builds";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Stands in for the Sprocket node: records every request and answers like the CRM API. */
let sprocket: Server;
let baseUrl: string;
const received: Received[] = [];
const buildDir = readableTempDir("sprocket-routing-build-");
let pool: RunnerPool;

beforeAll(async () => {
  sprocket = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader("Content-Type", "application/json");
      if (req.method === "POST") {
        const { properties } = JSON.parse(body) as { properties: Record<string, string> };
        const now = new Date().toISOString();
        res.statusCode = 201;
        res.end(JSON.stringify({ id: "101", properties, createdAt: now, updatedAt: now, archived: false }));
      } else {
        res.end(JSON.stringify({ path: req.url, results: [] }));
      }
    });
  });
  await new Promise<void>((resolve) => sprocket.listen(0, "127.0.0.1", resolve));
  const { port } = sprocket.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  // Bundle the function with its npm dependencies the way the builder does.
  const outfile = path.join(buildDir.dir, "hubspot-calls.js");
  await build({
    entryPoints: [fileURLToPath(new URL("./fixtures/hubspot-calls.js", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    logLevel: "silent",
  });
  chmodSync(outfile, 0o644);
  // A path prefix on the base URL checks that routed paths are joined, not replaced.
  pool = createRunnerPool({ hubspotApiBaseUrl: `${baseUrl}/hubapi`, limits: { timeoutMs: 10_000, heapMb: 96 } });
});

afterAll(async () => {
  await pool.close();
  await new Promise((resolve) => sprocket.close(resolve));
  buildDir.remove();
});

async function call(parameters: Record<string, unknown>) {
  received.length = 0;
  const result = await pool.invoke({
    buildKey: "routing",
    accountId: 123,
    bundleDir: buildDir.dir,
    file: "hubspot-calls.js",
    functionName: "hubspotCalls",
    context: contextWith(parameters, "pat-na1-routing"),
    traceparent: TRACEPARENT,
  });
  expect(result.error).toBeUndefined();
  expect(result.outcome).toBe("SUCCESS");
  return result.value;
}

describe("calls to api.hubapi.com go to Sprocket", () => {
  it("routes @hubspot/api-client 13 with its default https://api.hubapi.com base path", async () => {
    const value = await call({ client: "api-client" });
    expect(value).toEqual({ id: "101", email: "ada@example.com" });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/hubapi/crm/v3/objects/contacts");
    expect(request.headers.traceparent).toBe(TRACEPARENT);
    expect(request.headers.authorization).toBe("Bearer pat-na1-routing");
    expect(request.headers.host).toBe(new URL(baseUrl).host);
    expect(JSON.parse(request.body)).toMatchObject({ properties: { email: "ada@example.com", firstname: "Ada" } });
  });

  it("routes axios", async () => {
    const value = await call({ client: "axios" });
    expect(value).toEqual({ path: "/hubapi/crm/v3/objects/contacts?limit=1", results: [] });
    expect(received[0]?.headers.traceparent).toBe(TRACEPARENT);
    expect(received[0]?.headers.authorization).toBe("Bearer pat-na1-routing");
  });

  it("routes the global fetch, body included", async () => {
    const value = await call({ client: "fetch" });
    expect(value).toMatchObject({ id: "101", properties: { email: "grace@example.com" } });
    expect(received[0]).toMatchObject({ method: "POST", url: "/hubapi/crm/v3/objects/contacts" });
    expect(received[0]?.headers.traceparent).toBe(TRACEPARENT);
  });

  it("leaves other hosts alone", async () => {
    const value = await call({ client: "other-host", url: `${baseUrl}/other?x=1` });
    expect(value).toEqual({ fetch: { path: "/other?x=1", results: [] }, axios: { path: "/other?x=1", results: [] } });
    expect(received).toHaveLength(2);
    for (const request of received) expect(request.headers.traceparent).toBeUndefined();
  });
});
