import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunnerPool } from "../src/index";
import { fixtureRequest, functionsDir, readableTempDir } from "./fixture-builds";

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

  it.runIf(process.getuid?.() === 0)("explains a build folder the runner user cannot read", async () => {
    const privateBuild = readableTempDir("sprocket-private-build-");
    try {
      writeFileSync(path.join(privateBuild.dir, "fn.js"), "exports.main = async () => 1;", { mode: 0o600 });
      const result = await pool.invoke({ ...fixtureRequest("fn.js"), buildKey: "private", bundleDir: privateBuild.dir });
      expect(result).toMatchObject({ outcome: "INVALID_FUNCTION", error: { code: "EACCES" } });
      expect(result.error?.message).toMatch(/runs as uid 65534: the build folder must be readable by it\)$/);
    } finally {
      privateBuild.remove();
    }
  });

  it.runIf(process.getuid?.() === 0)("runs as nobody when the platform runs as root", async () => {
    const result = await pool.invoke(fixtureRequest("environment.js"));
    expect(result.value).toMatchObject({ uid: 65534, gid: 65534 });
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
