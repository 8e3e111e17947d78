import { afterAll, describe, expect, it, vi } from "vitest";
import { createRunnerPool, type RunnerPool } from "../src/index";
import { fixtureRequest } from "./fixture-builds";

const limits = { timeoutMs: 5_000, heapMb: 64 };
const pools: RunnerPool[] = [];
function newPool(options: Partial<Parameters<typeof createRunnerPool>[0]> = {}): RunnerPool {
  const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits, ...options });
  pools.push(pool);
  return pool;
}
afterAll(() => Promise.all(pools.map((p) => p.close())));

const pidOf = (value: unknown) => (value as { pid: number }).pid;
const call = (pool: RunnerPool, buildKey: string) => pool.invoke(fixtureRequest("counter.js", {}, { buildKey }));
const settled = { timeout: 10_000, interval: 20 };

describe("retiring runners", () => {
  it("stops a runner left idle past the idle time; the next call starts cold and answers", async () => {
    const pool = newPool({ idleMs: 200 });
    const first = await call(pool, "quiet");
    expect(pool.stats()).toMatchObject({ runners: 1, idle: 1, builds: ["quiet"] });
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ runners: 0, idle: 0, builds: [] }), settled);
    const after = await call(pool, "quiet");
    expect(after).toMatchObject({ outcome: "SUCCESS", coldStart: true, value: { calls: 1 } });
    expect(pidOf(after.value)).not.toBe(pidOf(first.value));
  });

  it("keeps at most maxIdle idle runners across builds, stopping the least recently used", async () => {
    const pool = newPool({ maxIdle: 2 });
    const a = await call(pool, "a");
    const b = await call(pool, "b");
    await call(pool, "c");
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ runners: 2, idle: 2, builds: ["b", "c"] }), settled);
    // b and c were kept; using b makes c the least recently used, so a's cold start stops c.
    const bAgain = await call(pool, "b");
    expect(bAgain).toMatchObject({ coldStart: false, value: { calls: 2 } });
    expect(pidOf(bAgain.value)).toBe(pidOf(b.value));
    const aAgain = await call(pool, "a");
    expect(aAgain).toMatchObject({ coldStart: true, value: { calls: 1 } });
    expect(pidOf(aAgain.value)).not.toBe(pidOf(a.value));
    expect(await call(pool, "c")).toMatchObject({ coldStart: true, value: { calls: 1 } });
    expect(await call(pool, "b")).toMatchObject({ coldStart: true, value: { calls: 1 } });
  });

  it("keeps no runner at all with maxIdle 0: every call starts cold", async () => {
    const pool = newPool({ maxIdle: 0 });
    expect(await call(pool, "cold")).toMatchObject({ outcome: "SUCCESS", coldStart: true });
    expect(await call(pool, "cold")).toMatchObject({ outcome: "SUCCESS", coldStart: true });
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ runners: 0, idle: 0, builds: [] }), settled);
  });

  it("evicting a build resolves once its busy runner has finished its call and exited", async () => {
    const pool = newPool();
    const inFlight = pool.invoke(fixtureRequest("sleep.js", { ms: 300 }, { buildKey: "busy" }));
    expect(pool.stats().runners).toBe(1);
    await pool.evict("busy");
    expect(pool.stats()).toMatchObject({ runners: 0, idle: 0, builds: [] });
    expect(await inFlight).toMatchObject({ outcome: "SUCCESS" });
  });

  it("refuses an idle time below 1 ms and a negative cap", () => {
    expect(() => newPool({ idleMs: 0 })).toThrow(/idleMs must be an integer >= 1/);
    expect(() => newPool({ maxIdle: -1 })).toThrow(/maxIdle must be an integer >= 0/);
  });
});
