import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { createTestApp } from "../../server/test/support/test-apps";
import { recordFunctionRun } from "../../server/src/logs/function-runs";
import { ingestExtensionEvents } from "../../server/src/logs/extension-events";
import { newSpanId, newTraceId, traceparent } from "../../server/src/logs/trace-context";
import { runInProcess } from "./run-cli";

const BIN = path.resolve(import.meta.dirname, "../bin/sprocket.js");
const USAGE = "/account-info/v3/api-usage/daily/private-apps";

let server: TestServer;
let env: NodeJS.ProcessEnv;
let app: { appId: number; token: string };
const traceId = newTraceId();

const usage = async (token: string, query = "", headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${USAGE}${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  await res.arrayBuffer();
  return res.status;
};

beforeAll(async () => {
  server = await startTestServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-logs-"));
  env = { SPROCKET_CONFIG_PATH: path.join(dir, "config.yml") };
  expect(
    (
      await runInProcess(
        ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
        env,
      )
    ).code,
  ).toBe(0);
  app = await createTestApp(server.platform, server.bootstrap.info.accountId, { uid: "logs-cli-app", scopes: [] });
  const run = recordFunctionRun(server.platform, {
    accountId: server.bootstrap.info.accountId,
    appId: app.appId,
    buildId: 3,
    functionName: "get-data",
    outcome: "TIMEOUT",
    durationMs: 15,
    logs: [{ level: "info", message: "starting", ts: Date.now() }],
    error: { type: "TIMEOUT", message: "Timed out after 15000 ms" },
    traceId,
    invoker: { userId: null, label: "test" },
  });
  expect(await usage(app.token, "?from=function", { traceparent: traceparent(traceId, run.spanId) })).toBe(200);
  expect(await usage(app.token, "?plain=1")).toBe(200);
  // The recorder writes after the response is sent: flush until both calls are stored (and fail here if they never are).
  await vi.waitFor(
    async () => {
      await server.platform.logs.flush();
      expect((await server.platform.store.db.selectFrom("api_calls").select("id").execute()).length).toBeGreaterThanOrEqual(2);
    },
    { timeout: 10_000 },
  );
});
afterAll(async () => {
  await server.stop();
});

describe("sprocket logs", () => {
  it("lists API calls of an app as JSON and as a table", async () => {
    const json = await runInProcess(["logs", "api", "--app", "logs-cli-app", "--json"], env);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout);
    expect(page.results.map((r: { query: string }) => r.query)).toEqual(["plain=1", "from=function"]);
    const table = await runInProcess(["logs", "api", "--app", String(app.appId), "--since", "1h"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("GET");
    expect(table.stdout).toContain(`${USAGE}?plain=1`);
    // Oldest first, like a terminal log.
    expect(table.stdout.indexOf("from=function")).toBeLessThan(table.stdout.indexOf("plain=1"));
  });

  it("filters function runs by name and outcome across the account, showing their trace ids", async () => {
    const res = await runInProcess(["logs", "functions", "--function", "get-data", "--status", "error"], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("TIMEOUT");
    expect(res.stdout).toContain(traceId);
    const none = await runInProcess(["logs", "functions", "--function", "other", "--json"], env);
    expect(JSON.parse(none.stdout).results).toEqual([]);
    const empty = await runInProcess(["logs", "extensions", "--app", "logs-cli-app"], env);
    expect(empty.stdout).toContain("No extensions events");
  });

  it("prints a trace as a tree with the API call under the function that made it", async () => {
    const res = await runInProcess(["logs", "trace", traceId], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.split("\n");
    expect(lines[0]).toContain(`Trace ${traceId}`);
    const fn = lines.findIndex((l) => l.includes("function get-data"));
    const call = lines.findIndex((l) => l.includes(`GET ${USAGE}`));
    expect(fn).toBeGreaterThan(0);
    expect(lines[fn]).toContain("✖");
    expect(lines[fn]).toContain("Timed out after 15000 ms");
    expect(call).toBeGreaterThan(fn);
    expect(lines[call]).toMatch(/^\s+└─ ✔ GET/);
    const json = JSON.parse((await runInProcess(["logs", "trace", traceId, "--app", "logs-cli-app", "--json"], env)).stdout);
    expect(json.spans[0].children[0].name).toBe(`GET ${USAGE}`);
  });

  it("explains bad input: unknown kinds and traces, bad times and limits", async () => {
    expect((await runInProcess(["logs", "webhooks"], env)).code).toBe(2);
    const limit = await runInProcess(["logs", "api", "--limit", "1000"], env);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain("--limit must be a whole number from 1 to 200");
    const since = await runInProcess(["logs", "api", "--since", "yesterday"], env);
    expect(since.code).toBe(1);
    expect(since.stderr).toContain("since must be a duration back from now");
    const trace = await runInProcess(["logs", "trace", "abc"], env);
    expect(trace.code).toBe(1);
    expect(trace.stderr).toContain("trace IDs are 32 hexadecimal characters");
    const noApp = await runInProcess(["logs", "api", "--app", "nope"], env);
    expect(noApp.code).toBe(1);
    expect(noApp.stderr).toContain('No private app "nope"');
  });

  it("shows control characters from logs as visible stand-ins, in tables, traces and the --follow stream; --json keeps them", async () => {
    const accountId = server.bootstrap.info.accountId;
    const escapes = await createTestApp(server.platform, accountId, { uid: "escapes-app", scopes: [] });
    const user = await server.platform.store.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const forgedTrace = newTraceId();
    // What review-2 L4 sent: erase the line, forge another, set the window title, ring the bell.
    const message = "\u001b[1A\u001b[2Kline1\nline2 forged\r\u001b]0;PWNED-TITLE\u0007\u009b31m\u007f";
    await ingestExtensionEvents(
      server.platform,
      { accountId, userId: user.id, email: "admin@sprocket.local", via: "session" },
      {
        appId: escapes.appId,
        cardUid: "evil-card",
        location: "crm.record.tab",
        kind: "LOG",
        level: "warn",
        message,
        traceId: forgedTrace,
        spanId: newSpanId(),
      },
    );
    recordFunctionRun(server.platform, {
      accountId,
      appId: escapes.appId,
      buildId: 1,
      functionName: "forge",
      outcome: "ERROR",
      durationMs: 1,
      logs: [],
      error: { type: "Error", message: "\u001b[2K\rdeploy succeeded" },
      traceId: forgedTrace,
      invoker: { userId: null, label: "test" },
    });
    await server.platform.logs.flush();
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

    const table = await runInProcess(["logs", "extensions", "--app", "escapes-app"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(raw);
    expect(table.stdout).toContain("␛[1A␛[2Kline1⏎line2 forged␍␛]0;PWNED-TI…");
    const functions = await runInProcess(["logs", "functions", "--app", "escapes-app"], env);
    expect(functions.stdout).not.toMatch(raw);
    expect(functions.stdout).toContain("␛[2K␍deploy succeeded");
    const trace = await runInProcess(["logs", "trace", forgedTrace], env);
    expect(trace.stdout).not.toMatch(raw);
    expect(trace.stdout).toContain("line2 forged␍␛]0;PWNED-TITLE␇\\u{9b}31m␡");

    const json = await runInProcess(["logs", "extensions", "--app", "escapes-app", "--json"], env);
    expect(JSON.parse(json.stdout).results[0].message).toBe(message);

    const child = spawn(process.execPath, [BIN, "logs", "extensions", "--app", "escapes-app", "--follow"], {
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => ((stdout += d), stdout.includes("\n") && resolve()));
        child.on("exit", (code) => reject(new Error(`sprocket exited ${code}`)));
      });
    } finally {
      child.kill();
    }
    expect(stdout).not.toMatch(raw);
    expect(stdout).toContain("evil-card  crm.record.tab");
    expect(stdout).toContain("␛[1A␛[2Kline1⏎line2 forged␍␛]0;PWNED-TI…");
  });

  it("--follow prints an API call made after it started", async () => {
    const child = spawn(process.execPath, [BIN, "logs", "api", "--app", "logs-cli-app", "--follow", "--json", "--limit", "1"], {
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    const seen = (pattern: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const check = () => pattern() && resolve();
        child.stdout.on("data", (d) => ((stdout += d), check()));
        child.stderr.on("data", (d) => ((stderr += d), check()));
        child.on("exit", (code) => reject(new Error(`sprocket exited ${code}: ${stderr}`)));
        check();
      });
    try {
      await seen(() => stderr.includes("Following api-calls logs of app logs-cli-app"));
      expect(await usage(app.token, "?followed=yes")).toBe(200);
      await seen(() => stdout.includes("followed=yes"));
      const line = stdout.split("\n").find((l) => l.includes("followed=yes"))!;
      expect(JSON.parse(line)).toMatchObject({ kind: "api-call", status: 200, path: USAGE, query: "followed=yes" });
    } finally {
      child.kill();
    }
  });
});
