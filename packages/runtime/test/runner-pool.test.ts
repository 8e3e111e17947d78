import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRunnerPool, runnerEntries, processRunnerFactory, RuntimeError, type RunnerPool } from "../src/index";
import { contextWith, FIXTURE_ACCOUNT, fixtureRequest, functionsDir, readableTempDir } from "./fixture-builds";

const limits = { timeoutMs: 5_000, heapMb: 64 };
const pools: RunnerPool[] = [];
function newPool(options: Partial<Parameters<typeof createRunnerPool>[0]> = {}): RunnerPool {
  const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits, ...options });
  pools.push(pool);
  return pool;
}
afterAll(() => Promise.all(pools.map((p) => p.close())));

const pidOf = (value: unknown) => (value as { pid: number }).pid;

describe("warm runners", () => {
  it("reuses a runner after a clean run and keeps its modules loaded", async () => {
    const pool = newPool();
    const first = await pool.invoke(fixtureRequest("counter.js"));
    const second = await pool.invoke(fixtureRequest("counter.js"));
    expect(first).toMatchObject({ outcome: "SUCCESS", coldStart: true, value: { calls: 1 } });
    expect(second).toMatchObject({ outcome: "SUCCESS", coldStart: false, value: { calls: 2 } });
    expect(pidOf(second.value)).toBe(pidOf(first.value));
  });

  it("re-evaluates modules on every call when asked, like HubSpot's local executor", async () => {
    const pool = newPool({ reloadModule: true });
    await pool.invoke(fixtureRequest("counter.js"));
    const second = await pool.invoke(fixtureRequest("counter.js"));
    expect(second.value).toMatchObject({ calls: 1 });
    const third = await newPool().invoke(fixtureRequest("counter.js", {}, { reloadModule: true }));
    expect(third.value).toMatchObject({ calls: 1 });
  });

  it("reloads a module whose environment changed, so a rotated token is seen", async () => {
    const pool = newPool();
    const before = await pool.invoke(fixtureRequest("module-token.js"));
    const after = await pool.invoke({ ...fixtureRequest("module-token.js"), context: contextWith({}, "pat-na1-rotated") });
    expect(before.value).toBe("pat-na1-test-token");
    expect(after.value).toBe("pat-na1-rotated");
  });

  it("never reuses a runner after a failure", async () => {
    const pool = newPool();
    const first = await pool.invoke(fixtureRequest("counter.js"));
    expect((await pool.invoke(fixtureRequest("throws.js"))).outcome).toBe("ERROR");
    const after = await pool.invoke(fixtureRequest("counter.js"));
    expect(after.value).toMatchObject({ calls: 1 });
    expect(pidOf(after.value)).not.toBe(pidOf(first.value));
  });

  it("keeps builds apart: one runner never serves two build keys", async () => {
    const pool = newPool();
    const a = await pool.invoke(fixtureRequest("counter.js", {}, { buildKey: "account-1/app-1/build-1" }));
    const b = await pool.invoke(fixtureRequest("counter.js", {}, { buildKey: "account-2/app-1/build-1" }));
    expect(a.value).toMatchObject({ calls: 1 });
    expect(b.value).toMatchObject({ calls: 1 });
    expect(pidOf(a.value)).not.toBe(pidOf(b.value));
  });

  it("prewarms a build so its first call finds a started runner", async () => {
    const pool = newPool();
    await pool.prewarm("prewarmed", functionsDir, FIXTURE_ACCOUNT);
    const result = await pool.invoke(fixtureRequest("hello.js", {}, { buildKey: "prewarmed" }));
    expect(result).toMatchObject({ outcome: "SUCCESS", coldStart: false });
  });

  it("queues calls beyond maxPerBuild and runs them all", async () => {
    const pool = newPool({ maxPerBuild: 2 });
    const results = await Promise.all(Array.from({ length: 5 }, () => pool.invoke(fixtureRequest("sleep.js", { ms: 100 }))));
    expect(results.map((r) => r.outcome)).toEqual(Array(5).fill("SUCCESS"));
    expect(new Set(results.map((r) => pidOf(r.value))).size).toBeLessThanOrEqual(2);
  });

  it("serves waiting calls in the order they came, latecomers behind them", async () => {
    const pool = newPool({ maxPerBuild: 1, warmPerBuild: 1 });
    const order: number[] = [];
    const call = (i: number) =>
      pool.invoke(fixtureRequest("hello.js", { name: String(i) }, { buildKey: "fifo" })).then(() => order.push(i));
    const first = Array.from({ length: 4 }, (_, i) => call(i));
    // A latecomer arrives as the first call finishes: it must not take the runner ahead of 1, 2 and 3.
    await first[0];
    await Promise.all([...first, call(4)]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("evicts a build: its next call starts fresh", async () => {
    const pool = newPool();
    const first = await pool.invoke(fixtureRequest("counter.js"));
    await pool.evict("fixtures");
    const after = await pool.invoke(fixtureRequest("counter.js"));
    expect(after.value).toMatchObject({ calls: 1 });
    expect(pidOf(after.value)).not.toBe(pidOf(first.value));
  });

  it("ends calls in flight as CRASHED on close, and refuses new ones", async () => {
    const pool = newPool();
    await pool.prewarm("fixtures", functionsDir, FIXTURE_ACCOUNT);
    const inFlight = pool.invoke(fixtureRequest("sleep.js", { ms: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.close();
    expect(await inFlight).toMatchObject({ outcome: "CRASHED", error: { message: "The runner was shut down" } });
    await expect(pool.invoke(fixtureRequest("hello.js"))).rejects.toMatchObject({ code: "POOL_CLOSED" });
  });
});

describe("bad input", () => {
  const pool = newPool();

  async function rejection(request: Parameters<RunnerPool["invoke"]>[0]) {
    const error = await pool.invoke(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RuntimeError);
    return error as RuntimeError;
  }

  it.each([
    ["a relative bundleDir", { bundleDir: "functions" }, /^bundleDir must be an absolute path, got "functions"$/],
    ["a missing bundleDir", { bundleDir: "/nonexistent/build" }, /^bundleDir \/nonexistent\/build does not exist$/],
    ["a file as bundleDir", { bundleDir: path.join(functionsDir, "hello.js") }, /is not a directory$/],
    ["a file outside the build", { file: "../function-styles.test.ts" }, /^file must be a path inside the bundle folder/],
    ["an absolute file", { file: path.join(functionsDir, "hello.js") }, /^file must be a path inside the bundle folder/],
    ["an empty buildKey", { buildKey: "" }, /^buildKey must be a non-empty string$/],
    ["an empty functionName", { functionName: "" }, /^functionName must be a non-empty string$/],
    ["a bad secret name", { secrets: { "1BAD": "x" } }, /^secret name "1BAD" is not a valid environment variable name$/],
    ["a reserved secret name", { secrets: { PRIVATE_APP_ACCESS_TOKEN: "x" } }, /is reserved for the platform$/],
    ["a non-string secret", { secrets: { COUNT: 3 as unknown as string } }, /^secret COUNT must be a string$/],
    ["a malformed traceparent", { traceparent: "00-abc-01" }, /is not a W3C traceparent/],
    ["an unknown limit", { limits: { cpuMs: 5 } as never }, /^unknown limit "cpuMs"$/],
    ["a zero timeout", { limits: { timeoutMs: 0 } }, /^limit timeoutMs must be a positive integer, got 0$/],
  ])("rejects %s", async (_label, change, message) => {
    const error = await rejection({ ...fixtureRequest("hello.js"), ...change });
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toMatch(message);
  });

  it("rejects a context without the platform secrets", async () => {
    const context = contextWith();
    const { PRIVATE_APP_ACCESS_TOKEN: _token, ...rest } = context.secrets;
    const error = await rejection({ ...fixtureRequest("hello.js"), context: { ...context, secrets: rest as never } });
    expect(error.message).toBe("context.secrets.PRIVATE_APP_ACCESS_TOKEN must be a string");
  });

  it("rejects a context over the payload limit", async () => {
    const error = await rejection(fixtureRequest("hello.js", { blob: "x".repeat(2_000) }, { limits: { payloadBytes: 1_000 } }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toMatch(/^The context is \d+ bytes, over the 1000-byte limit$/);
  });

  it("refuses to serve one build key from two folders", async () => {
    const other = readableTempDir("sprocket-other-build-");
    try {
      await pool.invoke(fixtureRequest("hello.js", {}, { buildKey: "shared-key" }));
      const error = await rejection(fixtureRequest("hello.js", {}, { buildKey: "shared-key", bundleDir: other.dir }));
      expect(error.message).toBe(`build shared-key is already served from ${functionsDir}, not ${other.dir}`);
    } finally {
      other.remove();
    }
  });

  it.each([
    [{ hubspotApiBaseUrl: "not a url" }, /^hubspotApiBaseUrl "not a url" is not a URL$/],
    [{ hubspotApiBaseUrl: "ftp://127.0.0.1" }, /^hubspotApiBaseUrl must be http or https, got ftp:$/],
    [{ hubspotApiBaseUrl: "http://127.0.0.1", maxPerBuild: 0 }, /^maxPerBuild must be an integer >= 1, got 0$/],
    [{ hubspotApiBaseUrl: "http://127.0.0.1", warmPerBuild: 3, maxPerBuild: 2 }, /^warmPerBuild \(3\) exceeds maxPerBuild \(2\)$/],
    [{ hubspotApiBaseUrl: "http://127.0.0.1", limits: { heapMb: 1.5 } }, /^limit heapMb must be a positive integer, got 1.5$/],
  ])("rejects pool options %j", (options, message) => {
    expect(() => createRunnerPool(options)).toThrow(message);
  });

  it("reports a runner that cannot start", async () => {
    const { preload } = runnerEntries();
    const broken = newPool({
      createRunner: processRunnerFactory({ entries: { entry: "/nonexistent/child-entry.cjs", preload }, separateAccounts: false }),
    });
    const error = await broken.invoke(fixtureRequest("hello.js")).then(
      () => undefined,
      (e: unknown) => e as RuntimeError,
    );
    expect(error).toMatchObject({ code: "RUNNER_START_FAILED" });
    expect(error?.message).toMatch(/^Runner for build fixtures failed to start: .*Cannot find module/s);
  });
});
