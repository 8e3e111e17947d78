import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const host = fileURLToPath(new URL("./fixtures/pool-host.ts", import.meta.url));

const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
};

async function runHost(
  mode: "warm" | "starting",
): Promise<{ host: ReturnType<typeof spawn>; report: { outcome?: string; runners: number[] } }> {
  const child = spawn(process.execPath, ["--import", "tsx", host, mode], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve) => child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString())));
  return { host: child, report: JSON.parse(line) as { outcome?: string; runners: number[] } };
}

async function expectAllGone(pids: number[]): Promise<void> {
  const until = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(pids.filter(alive)).toEqual([]);
}

describe("runners never outlive their pool's process", () => {
  it("exit when the owner is SIGKILLed while they are warm", async () => {
    const { host, report } = await runHost("warm");
    expect(report.outcome).toBe("SUCCESS");
    // The build's two warm runners and at least one spare.
    expect(report.runners.length).toBeGreaterThanOrEqual(3);
    host.kill("SIGKILL");
    await expectAllGone(report.runners);
  });

  // Their "ready" message then goes to a closed channel; the error it raised was reported by another send, in a loop
  // that kept an orphan at full CPU.
  it("exit when the owner dies before they have started", async () => {
    const { report } = await runHost("starting");
    expect(report.runners.length).toBe(2);
    await expectAllGone(report.runners);
  });
});
