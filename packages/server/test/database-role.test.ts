import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { startServer } from "../src/server";
import { ProjectApi } from "./support/project-api";
import { createTestDatabase, TEST_ROLE, type TestDatabase } from "./support/test-database";

/** The same database, signed in as the cluster's superuser (the test harness's admin) instead of the test role. */
const asSuperuser = (databaseUrl: string) => {
  const admin = new URL(process.env.SPROCKET_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  admin.pathname = new URL(databaseUrl).pathname;
  return admin.toString();
};

describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("the PostgreSQL role Sprocket connects as", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("refuses to start as a superuser, naming SPROCKET_DATABASE_URL and how to make a role of its own", async () => {
    const config = loadConfig(
      { port: 0, dataDir: db.dataDir },
      { SPROCKET_LOG_LEVEL: "silent", SPROCKET_DATABASE_URL: asSuperuser(db.databaseUrl!) },
    );
    const started = startServer(config);
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/SPROCKET_DATABASE_URL: connects as PostgreSQL role "postgres", which is a superuser/);
    await expect(started).rejects.toThrow("CREATE ROLE sprocket LOGIN PASSWORD");
    await expect(started).rejects.toThrow("SPROCKET_DATABASE_ALLOW_SUPERUSER=true");
  });

  it("starts as a superuser when the operator allows it", async () => {
    const env = {
      SPROCKET_LOG_LEVEL: "silent",
      SPROCKET_DATABASE_URL: asSuperuser(db.databaseUrl!),
      SPROCKET_DATABASE_ALLOW_SUPERUSER: "true",
    };
    const server = await startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env));
    await server.close();
  });

  it("migrates and serves as a role that only owns its database (what every postgres suite runs as)", async () => {
    // A database of its own: the one above now holds tables the superuser created.
    const own = await createTestDatabase();
    expect(new URL(own.databaseUrl!).username).toBe(TEST_ROLE.name);
    const server = await startServer(
      loadConfig({ port: 0, dataDir: own.dataDir }, { SPROCKET_LOG_LEVEL: "silent", SPROCKET_DATABASE_URL: own.databaseUrl }),
    );
    try {
      const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
      expect((await api.call("POST", "/developer/projects/v1", { body: { name: "least-privilege" } })).status).toBe(201);
    } finally {
      await server.close();
      await own.drop();
    }
  });
});
