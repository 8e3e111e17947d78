import { afterAll, describe, expect, it, vi } from "vitest";
import { createRunnerPool, type InvocationResult, type InvokeRequest } from "../src/index";
import { fixtureRequest } from "./fixture-builds";

const pool = createRunnerPool({
  hubspotApiBaseUrl: "http://127.0.0.1:9",
  limits: { timeoutMs: 1_500, heapMb: 64, rssMb: 256 },
});
afterAll(() => pool.close());

/** Each fault runs in its own build; afterwards that build and an unrelated one still answer. */
async function invokeFault(file: string, parameters: Record<string, unknown> = {}, extra: Partial<InvokeRequest> = {}) {
  const buildKey = `fault-${file}`;
  const result = await pool.invoke(fixtureRequest(file, parameters, { buildKey, ...extra }));
  for (const key of [buildKey, "healthy"]) {
    const after = await pool.invoke(fixtureRequest("hello.js", { name: key }, { buildKey: key }));
    expect(after).toMatchObject({ outcome: "SUCCESS", value: { message: `Hello, ${key}` } });
  }
  return result;
}

function expectError(result: InvocationResult, outcome: InvocationResult["outcome"], message: RegExp) {
  expect(result.outcome).toBe(outcome);
  expect(result.error?.message).toMatch(message);
  expect(result.value).toBeUndefined();
}

describe("faults", () => {
  it("kills an infinite loop at the timeout", async () => {
    expectError(await invokeFault("infinite-loop.js"), "TIMEOUT", /^Task timed out after 1\.50 seconds$/);
  });

  it("kills a function sleeping past the timeout", async () => {
    expectError(await invokeFault("sleep.js", { ms: 60_000 }), "TIMEOUT", /timed out/);
  });

  it("honours a per-invocation timeout", async () => {
    const result = await invokeFault("sleep.js", { ms: 1_000 }, { limits: { timeoutMs: 300 } });
    expectError(result, "TIMEOUT", /^Task timed out after 0\.30 seconds$/);
  });

  it("reports the V8 heap cap as OUT_OF_MEMORY", async () => {
    // V8 collects harder and harder as the heap nears its cap: on a loaded CI machine that outlasted the 1.5 s timeout.
    const result = await invokeFault("allocate-heap.js", {}, { limits: { timeoutMs: 20_000 } });
    expectError(result, "OUT_OF_MEMORY", /JavaScript heap out of memory \(limit 64 MB\)/);
  });

  it("kills off-heap growth with the resident-memory watchdog", async () => {
    // Filling 256 MB can take a while on a busy machine; the pool's 1.5 s timeout must not win the race.
    const result = await invokeFault("allocate-buffers.js", {}, { limits: { timeoutMs: 20_000 } });
    expectError(result, "OUT_OF_MEMORY", /over the 256 MB limit/);
    expect(result.peakRssBytes).toBeGreaterThan(256 * 1024 * 1024);
  });

  it("reports process.exit as CRASHED", async () => {
    expectError(await invokeFault("exit.js"), "CRASHED", /^The function's process exited with code 1$/);
  });

  it("reports death by a signal as CRASHED", async () => {
    expectError(await invokeFault("signal.js"), "CRASHED", /^The function's process was killed by signal SIGSEGV$/);
  });

  it("reports a throw as ERROR", async () => {
    expectError(await invokeFault("throws.js"), "ERROR", /^bad input$/);
  });

  it("reports an unhandled rejection as ERROR without waiting for the function", async () => {
    const result = await invokeFault("unhandled-rejection.js");
    expectError(result, "ERROR", /^Unhandled rejection: stray rejection$/);
    expect(result.error?.stack).toContain("unhandled-rejection.js");
  });

  it("caps 50 MB of console output without killing the function", async () => {
    const result = await invokeFault("print-a-lot.js", { megabytes: 50 });
    expect(result).toMatchObject({ outcome: "SUCCESS", value: "printed", truncated: true });
    const kept = result.logs.reduce((sum, entry) => sum + Buffer.byteLength(entry.message), 0);
    expect(kept).toBe(64 * 1024);
  });

  it("caps raw stdout writes too, and keeps the function's own outcome", async () => {
    const result = await invokeFault("print-a-lot.js", { megabytes: 20, raw: true, fail: true }, { limits: { logBytes: 1000 } });
    expect(result).toMatchObject({ outcome: "ERROR", truncated: true, error: { message: "failed after printing" } });
    const kept = result.logs.reduce((sum, entry) => sum + Buffer.byteLength(entry.message), 0);
    expect(kept).toBeLessThanOrEqual(1000);
  });

  it("rejects a circular result as INVALID_RESPONSE", async () => {
    expectError(await invokeFault("circular.js"), "INVALID_RESPONSE", /not JSON-serialisable: Converting circular structure/);
  });

  it("rejects a result over the payload limit as INVALID_RESPONSE", async () => {
    const result = await invokeFault("big-result.js", { bytes: 2_000 }, { limits: { payloadBytes: 1_000 } });
    expectError(result, "INVALID_RESPONSE", /^The function's result is 2002 bytes, over the 1000-byte limit$/);
  });

  it("accepts a result of 6 MB by default", async () => {
    const result = await invokeFault("big-result.js", { bytes: 6 * 1024 * 1024 - 100 });
    expect(result.outcome).toBe("SUCCESS");
    expect((result.value as string).length).toBe(6 * 1024 * 1024 - 100);
  });

  it("discards a runner whose leftover timer throws after the answer", async () => {
    const buildKey = "late-throw";
    const first = await pool.invoke(fixtureRequest("late-throw.js", {}, { buildKey }));
    expect(first).toMatchObject({ outcome: "SUCCESS", value: { answered: true } });
    // The timer throws 50 ms after the answer and the pool kills that runner when it hears of it: wait for the kill,
    // not for a guess at how long a loaded machine takes (a 200 ms sleep lost that race in a full run).
    const pid = (first.value as { pid: number }).pid;
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 10_000 });
    const next = await pool.invoke(fixtureRequest("counter.js", {}, { buildKey }));
    expect(next.outcome).toBe("SUCCESS");
    expect((next.value as { pid: number }).pid).not.toBe((first.value as { pid: number }).pid);
  });
});
