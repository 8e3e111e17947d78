import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunnerPool, RUNNER_ID_BASE, type RunnerPool } from "../src/index";
import { contextWith, copyOfBuild, fixtureRequest, fixtureSources } from "./fixture-builds";

const A = 20_000_001;
const B = 20_000_002;

/** Stands in for Sprocket's API: /hold keeps the caller waiting until the test lets it go. */
const held: Array<{ pid: number; res: ServerResponse }> = [];
let heldArrived: (pid: number) => void = () => undefined;
const api = createServer((req, res) => {
  const pid = Number(new URL(req.url!, "http://x").searchParams.get("pid"));
  held.push({ pid, res });
  heldArrived(pid);
});
let pool: RunnerPool;

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  const { port } = api.address() as AddressInfo;
  // With spares, as the server runs: a spare is started as root and must take the account's user before B's code runs.
  pool = createRunnerPool({ hubspotApiBaseUrl: `http://127.0.0.1:${port}`, limits: { timeoutMs: 10_000, heapMb: 64 }, spareRunners: 2 });
});
afterAll(async () => {
  await pool.close();
  await new Promise((resolve) => api.close(resolve));
});

const request = (account: number, file: string, parameters: Record<string, unknown> = {}) => ({
  ...fixtureRequest(file, parameters),
  buildKey: `${account}/1/1`,
  accountId: account,
  // Each account's build is its own folder, given to that account's runner user.
  bundleDir: builds.get(account)!,
  context: { ...contextWith(parameters), accountId: account },
});
const builds = new Map([A, B].map((account) => [account, copyOfBuild(fixtureSources)]));

describe.runIf(process.getuid?.() === 0)("accounts' runners are apart (F4)", () => {
  it("a function of account B cannot kill a run of account A", async () => {
    const pidOfA = new Promise<number>((resolve) => (heldArrived = resolve));
    const runOfA = pool.invoke(request(A, "hold.js"));
    const pid = await pidOfA;

    const attack = await pool.invoke(request(B, "kill.js", { pid, signal: "SIGKILL" }));
    expect(attack.value).toEqual({ killed: false, code: "EPERM", uid: RUNNER_ID_BASE + B });
    const stop = await pool.invoke(request(B, "kill.js", { pid, signal: "SIGSTOP" }));
    expect(stop.value).toMatchObject({ killed: false, code: "EPERM" });

    held.shift()!.res.end("let go");
    const result = await runOfA;
    expect(result).toMatchObject({ outcome: "SUCCESS", value: { pid, uid: RUNNER_ID_BASE + A, answer: "let go" } });
  });

  it("refuses to give one account's build folder to another account", async () => {
    expect(await pool.invoke(request(A, "hello.js"))).toMatchObject({ outcome: "SUCCESS" });
    await expect(pool.invoke({ ...request(B, "hello.js"), bundleDir: builds.get(A)!, buildKey: "stolen" })).rejects.toThrow(
      /belongs to another account's runners/,
    );
  });
});
