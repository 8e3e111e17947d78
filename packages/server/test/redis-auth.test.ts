import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { startServer } from "../src/server";
import type { DeployNotice } from "../src/cluster/cluster-events";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The ACL docs/operations.md gives an operator, word for word (with its prefix): only the deployment's keys and
 * channels, and only the commands Sprocket sends. A test that passes here proves the documented rule is enough.
 */
const documentedAcl = (prefix: string, password: string) => [
  "on",
  `>${password}`,
  "resetkeys",
  `~${prefix}:*`,
  "resetchannels",
  `&${prefix}:*`,
  "-@all",
  "+ping",
  "+info",
  "+get",
  "+set",
  "+del",
  "+incrby",
  "+pttl",
  "+eval",
  "+evalsha",
  "+multi",
  "+exec",
  "+discard",
  "+publish",
  "+subscribe",
  "+unsubscribe",
];

describe("Redis with an ACL user and password", () => {
  const admin = new Redis(REDIS_URL);
  const user = `sprocket_test_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const prefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
  let db: TestDatabase;
  const env = (redisUrl: string) => ({
    SPROCKET_LOG_LEVEL: "silent",
    SPROCKET_REDIS_URL: redisUrl,
    SPROCKET_REDIS_PREFIX: prefix,
    SPROCKET_SECRET_KEY: randomBytes(32).toString("hex"),
    ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}),
  });
  const withUser = (pass: string) => {
    const u = new URL(REDIS_URL);
    u.username = user;
    u.password = pass;
    return u.toString();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await admin.call("ACL", "SETUSER", user, ...documentedAcl(prefix, password));
  });
  afterAll(async () => {
    await admin.call("ACL", "DELUSER", user);
    await admin.quit();
    await db?.drop();
  });

  it("runs a node signed in as that user: rate limits, deploy notices and the log stream all go through", async () => {
    const server = await startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env(withUser(password))));
    try {
      const { limits, cluster, logs } = server.platform;
      const now = Date.now();
      const refund = await limits.reserveSignIn("someone@example.com", "192.0.2.1", now);
      await refund();
      expect(await limits.dailyUsage(1, 100, now)).toBe(0);
      const heard: DeployNotice[] = [];
      await cluster.onDeploy((n) => heard.push(n));
      const notice: DeployNotice = { accountId: 1, appId: 2, buildId: 3, previousBuildId: null };
      await cluster.announceDeploy(notice);
      await expect.poll(() => heard).toEqual([notice]);
      const entries: unknown[] = [];
      await logs.bus.subscribe((e) => entries.push(e));
      logs.bus.publish(() => [{ kind: "api-calls", accountId: 1, appId: 2, view: { id: 9 } }]);
      await expect.poll(() => entries).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("refuses to start with a wrong password, naming SPROCKET_REDIS_URL and not printing the password", async () => {
    const started = startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env(withUser("wrong-password"))));
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(`Invalid setting SPROCKET_REDIS_URL: could not sign in to Redis at redis://${user}:***@`);
    await expect(started).rejects.toThrow("WRONGPASS");
    await expect(started).rejects.not.toThrow("wrong-password");
  });
});
