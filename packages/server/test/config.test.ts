import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { startServer } from "../src/server";
import { createTestDatabase } from "./support/test-database";

describe("configuration", () => {
  it("has the documented defaults", () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ port: 3900, host: "127.0.0.1", databaseUrl: undefined, redisUrl: undefined });
    expect(c.dataDir).toMatch(/\.sprocket$/);
    expect(c.functionAllowPrivateNetwork).toBe(false);
    expect(loadConfig({}, { SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK: "true" }).functionAllowPrivateNetwork).toBe(true);
    expect(c.cardFetchAllowPrivateNetwork).toBe(false);
    expect(loadConfig({}, { SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "true" }).cardFetchAllowPrivateNetwork).toBe(true);
    expect(() => loadConfig({}, { SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "yes" })).toThrow(/SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK/);
  });

  it.each([
    [{ port: "abc" }, {}, "--port"],
    [{ port: "70000" }, {}, "--port"],
    [{}, { SPROCKET_DATABASE_URL: "mysql://x" }, "SPROCKET_DATABASE_URL"],
    [{}, { SPROCKET_REDIS_URL: "http://x" }, "SPROCKET_REDIS_URL"],
    [{}, { SPROCKET_SECRET_KEY: "too-short" }, "SPROCKET_SECRET_KEY"],
    // Scale-out nodes sign their Redis messages with a key derived from the shared secret key.
    [{}, { SPROCKET_REDIS_URL: "redis://127.0.0.1:6379" }, "SPROCKET_SECRET_KEY: is required with SPROCKET_REDIS_URL"],
    [{}, { SPROCKET_DATABASE_ALLOW_SUPERUSER: "yes" }, "SPROCKET_DATABASE_ALLOW_SUPERUSER"],
    [{}, { SPROCKET_LOG_LEVEL: "loud" }, "SPROCKET_LOG_LEVEL"],
    [{}, { SPROCKET_FUNCTION_TIMEOUT_MS: "fast" }, "SPROCKET_FUNCTION_TIMEOUT_MS"],
    [{}, { SPROCKET_FUNCTION_MEMORY_MB: "1" }, "SPROCKET_FUNCTION_MEMORY_MB"],
    [{}, { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "yes please" }, "SPROCKET_GIT_ALLOW_PRIVATE_HOSTS"],
    [{}, { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "gitlab.internal,http://10.0.0.5" }, "SPROCKET_GIT_ALLOW_PRIVATE_HOSTS"],
    [{}, { SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK: "yes" }, "SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK"],
  ])("refuses %j %j naming %s", (flags, env, setting) => {
    expect(() => loadConfig(flags, env)).toThrow(ConfigError);
    expect(() => loadConfig(flags, env)).toThrow(setting);
  });

  it("reads the private git hosts an operator allows: none by default, all, or a list", () => {
    expect(loadConfig({}, {}).gitPrivateHosts).toEqual([]);
    expect(loadConfig({}, { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "false" }).gitPrivateHosts).toEqual([]);
    expect(loadConfig({}, { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "TRUE" }).gitPrivateHosts).toBe("all");
    expect(loadConfig({}, { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "GitLab.internal, 10.0.0.5,[fd12::1]" }).gitPrivateHosts).toEqual([
      "gitlab.internal",
      "10.0.0.5",
      "[fd12::1]",
    ]);
  });

  it("accepts a 32-byte secret key as hex or base64", () => {
    expect(loadConfig({}, { SPROCKET_SECRET_KEY: "ab".repeat(32) }).secretKey?.length).toBe(32);
    expect(loadConfig({}, { SPROCKET_SECRET_KEY: Buffer.alloc(32, 7).toString("base64") }).secretKey?.length).toBe(32);
  });

  it("reuses the bootstrap on a second start over the same data", async () => {
    const db = await createTestDatabase();
    const env = { SPROCKET_LOG_LEVEL: "silent", ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}) };
    const first = await startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env));
    await first.close();
    const second = await startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env));
    expect(second.bootstrap.created).toBe(false);
    expect(second.bootstrap.info.accountId).toBe(first.bootstrap.info.accountId);
    await second.close();
    await db.drop();
  });
});

describe("the endpoint listener's settings", () => {
  it("defaults to the console's port + 1, a free port beside port 0, and 600 calls a minute", () => {
    expect(loadConfig({}, {}).endpoints).toEqual({ port: 3901, publicUrl: undefined, callsPerMinute: 600 });
    expect(loadConfig({ port: 0 }, {}).endpoints.port).toBe(0);
    const set = loadConfig(
      { functionsPort: "4000" },
      { SPROCKET_FUNCTIONS_PUBLIC_URL: "https://fn.example.com/", SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "60" },
    );
    expect(set.endpoints).toEqual({ port: 4000, publicUrl: "https://fn.example.com", callsPerMinute: 60 });
  });

  it.each([
    [{ functionsPort: "x" }, {}, "--functions-port"],
    [{ port: "65535" }, {}, "--functions-port"],
    [{ port: "4000", functionsPort: "4000" }, {}, "--functions-port"],
    [{}, { SPROCKET_FUNCTIONS_PUBLIC_URL: "ftp://fn.example.com" }, "SPROCKET_FUNCTIONS_PUBLIC_URL"],
    [
      {},
      { SPROCKET_PUBLIC_URL: "https://sprocket.example.com", SPROCKET_FUNCTIONS_PUBLIC_URL: "https://sprocket.example.com/fn" },
      "SPROCKET_FUNCTIONS_PUBLIC_URL",
    ],
    [{}, { SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "0" }, "SPROCKET_FUNCTIONS_CALLS_PER_MINUTE"],
  ])("refuses %j %j naming %s", (flags, env, setting) => {
    expect(() => loadConfig(flags, env)).toThrow(ConfigError);
    expect(() => loadConfig(flags, env)).toThrow(setting);
  });
});
