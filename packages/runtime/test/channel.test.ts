import { afterAll, describe, expect, it } from "vitest";
import { createRunnerPool } from "../src/index";
import { fixtureRequest } from "./fixture-builds";

const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits: { timeoutMs: 10_000, heapMb: 64 } });
afterAll(() => pool.close());

// F10: the runner's messages reach the server in capped frames; one that breaks the protocol ends that runner only.
describe("the runner's channel to the server", () => {
  it.each([
    ["oversized", /sent a message of 41943040 bytes, over the 6291456-byte limit and was stopped/],
    ["unknown", /sent a message of unknown type "surprise" and was stopped/],
    ["not-json", /sent a message that is not JSON and was stopped/],
  ])("kills a runner that sends a %s message, and serves the next call", async (kind, message) => {
    const result = await pool.invoke(fixtureRequest("flood.js", { kind }));
    expect(result).toMatchObject({ outcome: "CRASHED", error: { type: "CRASHED" } });
    expect(result.error?.message).toMatch(message);
    const next = await pool.invoke(fixtureRequest("hello.js", { name: "after" }));
    expect(next).toMatchObject({ outcome: "SUCCESS" });
  });

  it("cuts a huge error message rather than stopping the runner for it", async () => {
    const result = await pool.invoke(fixtureRequest("throws-long.js"));
    expect(result).toMatchObject({ outcome: "ERROR", error: { type: "Error" } });
    expect(result.error?.message).toMatch(/^x{16384}… \(cut\)$/);
  });
});
