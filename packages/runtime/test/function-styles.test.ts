import { afterAll, describe, expect, it } from "vitest";
import { createRunnerPool } from "../src/index";
import { contextWith, fixtureRequest, functionsDir } from "./fixture-builds";

const pool = createRunnerPool({
  hubspotApiBaseUrl: "http://127.0.0.1:9",
  limits: { timeoutMs: 5_000, heapMb: 64 },
});
afterAll(() => pool.close());

describe("async style", () => {
  it("returns the resolved value with timing and memory figures", async () => {
    const result = await pool.invoke(fixtureRequest("hello.js", { name: "Ada" }));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: { message: "Hello, Ada" }, logs: [], truncated: false });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.peakRssBytes).toBeGreaterThan(1024 * 1024);
  });

  it("passes the whole context through", async () => {
    const context = { ...contextWith({ q: [1, "two"] }), event: { type: "SERVERLESS_ACTION_HOOK", payload: { deal: 7 } } };
    const result = await pool.invoke({ ...fixtureRequest("echo-context.js"), context });
    expect(result.value).toEqual(context);
  });

  it("accepts a plain synchronous return", async () => {
    const result = await pool.invoke(fixtureRequest("sync-return.js", { a: 2, b: 3 }));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: 5 });
  });

  it("turns undefined into null", async () => {
    const result = await pool.invoke(fixtureRequest("returns-undefined.js"));
    expect(result.outcome).toBe("SUCCESS");
    expect(result.value).toBeNull();
  });
});

describe("callback style", () => {
  it("answers with the value given to the callback", async () => {
    const result = await pool.invoke(fixtureRequest("callback.js", { name: "Grace" }));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: { via: "callback", name: "Grace" } });
  });

  it("treats an Error given to the callback as a failure", async () => {
    const result = await pool.invoke(fixtureRequest("callback-error.js"));
    expect(result.outcome).toBe("ERROR");
    expect(result.error).toMatchObject({ type: "RangeError", message: "callback failure" });
    expect(result.error?.stack).toContain("callback-error.js");
  });

  it("understands Lambda's callback(null, value)", async () => {
    const result = await pool.invoke(fixtureRequest("callback-lambda.js"));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: { via: "lambda" } });
  });

  it("keeps the first callback call", async () => {
    const result = await pool.invoke(fixtureRequest("callback-twice.js"));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: "first" });
  });

  it("waits for the callback when an async function with a callback resolves to undefined", async () => {
    const result = await pool.invoke(fixtureRequest("promise-and-callback.js"));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: "from callback" });
  });

  it("detects a callback call from a function that declares one parameter", async () => {
    const result = await pool.invoke(fixtureRequest("arguments-callback.js"));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: "called back" });
  });
});

describe("errors from the function", () => {
  it("reports a throw with its message, type and stack", async () => {
    const result = await pool.invoke(fixtureRequest("throws.js"));
    expect(result.outcome).toBe("ERROR");
    expect(result.error).toMatchObject({ type: "TypeError", message: "bad input" });
    expect(result.error?.stack).toContain(`${functionsDir}/throws.js`);
  });

  it("reports a thrown non-Error value", async () => {
    const result = await pool.invoke(fixtureRequest("throws-string.js"));
    expect(result).toMatchObject({ outcome: "ERROR", error: { type: "string", message: "plain string" } });
  });

  it("reports a file without a main export as INVALID_FUNCTION", async () => {
    const result = await pool.invoke(fixtureRequest("no-main.js"));
    expect(result).toMatchObject({
      outcome: "INVALID_FUNCTION",
      error: { message: "The function no-main (no-main.js) does not export a main function" },
    });
  });

  it("reports a file that does not load as INVALID_FUNCTION", async () => {
    const broken = await pool.invoke(fixtureRequest("syntax-error.js"));
    expect(broken.outcome).toBe("INVALID_FUNCTION");
    expect(broken.error).toMatchObject({ type: "SyntaxError" });
    expect(broken.error?.message).toMatch(/^Could not load function syntax-error \(syntax-error\.js\): /);

    const missing = await pool.invoke(fixtureRequest("does-not-exist.js"));
    expect(missing.outcome).toBe("INVALID_FUNCTION");
    expect(missing.error?.code).toBe("MODULE_NOT_FOUND");
  });
});

describe("console capture", () => {
  it("keeps each console call with its level and a timestamp", async () => {
    const before = Date.now();
    const result = await pool.invoke(fixtureRequest("logs.js"));
    expect(result.outcome).toBe("SUCCESS");
    expect(result.logs.map(({ level, message }) => ({ level, message }))).toEqual([
      { level: "log", message: "log formatted 42" },
      { level: "info", message: "info { a: 1 }" },
      { level: "warn", message: "warn" },
      { level: "error", message: "error" },
      { level: "debug", message: "debug" },
    ]);
    for (const entry of result.logs) expect(entry.ts).toBeGreaterThanOrEqual(before);
  });
});
