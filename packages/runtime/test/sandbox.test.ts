import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRunnerPool, RUNNER_ID_BASE, runnerIdentity } from "../src/index";
import { copyOfBuild, FIXTURE_ACCOUNT, fixtureRequest, fixtureSources, functionsDir, readableTempDir } from "./fixture-builds";

const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits: { timeoutMs: 5_000, heapMb: 64 } });
// Stands for the platform's data folder: world-readable on disk, so only the sandbox keeps it out.
const dataDir = readableTempDir("sprocket-data-");
beforeAll(() => writeFileSync(path.join(dataDir.dir, "secret-key"), "platform secret", { mode: 0o644 }));
afterAll(async () => {
  await pool.close();
  dataDir.remove();
});

describe("file system", () => {
  it("lets a function read files of its own build", async () => {
    const result = await pool.invoke(fixtureRequest("read-file.js", { path: "data.txt" }));
    expect(result).toMatchObject({ outcome: "SUCCESS", value: "bundled data\n" });
  });

  it("denies /etc/passwd", async () => {
    const result = await pool.invoke(fixtureRequest("read-file.js", { path: "/etc/passwd" }));
    expect(result).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
  });

  it("denies the platform's data folder, even through a relative path", async () => {
    for (const target of [path.join(dataDir.dir, "secret-key"), path.relative(functionsDir, path.join(dataDir.dir, "secret-key"))]) {
      const result = await pool.invoke(fixtureRequest("read-file.js", { path: target }));
      expect(result).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
    }
  });

  it("denies writes, even inside the build", async () => {
    const result = await pool.invoke(fixtureRequest("write-file.js"));
    expect(result).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
  });
});

describe("processes", () => {
  it("denies child_process.spawn", async () => {
    const result = await pool.invoke(fixtureRequest("spawn.js"));
    expect(result).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
  });

  it("denies worker threads", async () => {
    const result = await pool.invoke(fixtureRequest("worker.js"));
    expect(result).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
  });

  it.runIf(process.getuid?.() === 0)("gives the build folder to the account's runner user, and to no one else", async () => {
    const privateBuild = readableTempDir("sprocket-private-build-");
    try {
      mkdirSync(path.join(privateBuild.dir, "lib"));
      writeFileSync(path.join(privateBuild.dir, "fn.js"), "exports.main = async () => require('./lib/value.js');", { mode: 0o600 });
      writeFileSync(path.join(privateBuild.dir, "lib", "value.js"), "module.exports = 1;", { mode: 0o644 });
      const result = await pool.invoke({ ...fixtureRequest("fn.js"), buildKey: "private", bundleDir: privateBuild.dir });
      expect(result).toMatchObject({ outcome: "SUCCESS", value: 1 });
      const owner = runnerIdentity(FIXTURE_ACCOUNT);
      for (const [entry, mode] of [
        ["", 0o500],
        ["lib", 0o500],
        ["fn.js", 0o400],
        ["lib/value.js", 0o400],
      ] as const) {
        const stat = statSync(path.join(privateBuild.dir, entry));
        expect({ entry, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o777 }).toEqual({ entry, ...owner, mode });
      }
    } finally {
      privateBuild.remove();
    }
  });

  it.runIf(process.getuid?.() === 0)("runs each account as its own user when the platform runs as root", async () => {
    const result = await pool.invoke(fixtureRequest("environment.js"));
    expect(result.value).toMatchObject({ uid: RUNNER_ID_BASE + FIXTURE_ACCOUNT, gid: RUNNER_ID_BASE + FIXTURE_ACCOUNT });
  });
});

describe("spare runners", () => {
  // No idle runner is kept, so every call takes a spare (started before the call, bound to no build until then).
  const spared = createRunnerPool({
    hubspotApiBaseUrl: "http://127.0.0.1:9",
    limits: { timeoutMs: 5_000, heapMb: 64 },
    maxIdle: 0,
    spareRunners: 1,
  });
  const otherBuild = copyOfBuild(fixtureSources);
  afterAll(() => spared.close());
  const spare = async (file: string, parameters: Record<string, unknown> = {}) => {
    await vi.waitFor(() => expect(spared.stats().spares).toBe(1), { timeout: 10_000, interval: 20 });
    return spared.invoke(fixtureRequest(file, parameters));
  };

  it("serves a cold call from a runner started before it, as the account's user with no other group when root", async () => {
    const started = performance.now();
    const result = await spare("identity.js");
    const value = result.value as { uid: number; gid: number; groups: number[]; uptimeMs: number };
    expect(value.uptimeMs).toBeGreaterThan(performance.now() - started);
    if (process.getuid?.() === 0) {
      const id = RUNNER_ID_BASE + FIXTURE_ACCOUNT;
      expect(value).toMatchObject({ uid: id, gid: id });
      expect(new Set(value.groups)).toEqual(new Set([id]));
    }
  });

  it("reads its own build, and neither another build nor the folder of spares", async () => {
    expect(await spare("read-file.js", { path: "data.txt" })).toMatchObject({ outcome: "SUCCESS", value: "bundled data\n" });
    const other = await spare("read-file.js", { path: path.join(otherBuild, "data.txt") });
    expect(other).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
    for (const up of ["../..", "../../.."]) {
      expect(await spare("read-file.js", { path: up })).toMatchObject({ outcome: "ERROR", error: { code: "ERR_ACCESS_DENIED" } });
    }
  });

  it("reports stacks in the build folder's own path, not the spare's link", async () => {
    const result = await spare("throws.js");
    expect(result.error?.stack).toContain(path.join(functionsDir, "throws.js"));
  });
});

describe("environment", () => {
  const declared = { MY_SECRET: "s3cret" };

  it("holds only the declared secrets, the token and the HS_* values", async () => {
    const result = await pool.invoke(fixtureRequest("environment.js", {}, { secrets: declared }));
    expect(result.value).toMatchObject({
      envKeys: ["HS_ENVIRONMENT", "HS_HUBLET", "HS_SERVERLESS_FUNCTION_ID", "MY_SECRET", "PRIVATE_APP_ACCESS_TOKEN"],
      declared: "s3cret",
      undeclared: null,
      tokenFromEnv: "pat-na1-test-token",
      tokenFromContext: "pat-na1-test-token",
      contextSecretKeys: ["HS_ENVIRONMENT", "HS_HUBLET", "HS_SERVERLESS_FUNCTION_ID", "PRIVATE_APP_ACCESS_TOKEN"],
    });
  });

  it("does not leak one invocation's secrets into the next", async () => {
    await pool.invoke(fixtureRequest("environment.js", {}, { secrets: { OTHER_SECRET: "from another function" } }));
    const result = await pool.invoke(fixtureRequest("environment.js", {}, { secrets: declared }));
    expect(result.value).toMatchObject({ declared: "s3cret", undeclared: null });
  });
});
