import { createPlatform, loadConfig } from "../../src/index";
import type { Clock, Platform } from "../../src/platform";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { TEST_PASSWORD_HASH_COST } from "./password-cost";

export interface TestPlatform {
  platform: Platform;
  db: TestDatabase;
  /** Closes the platform and drops its database. */
  stop(): Promise<void>;
}

/** The platform over a fresh store of the engine under test, without an HTTP server: for suites of domain services. */
export async function openTestPlatform(opts: { clock?: Clock } = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  // No spare runners, cheap password hashes: see test-server.ts.
  const env: NodeJS.ProcessEnv = {
    SPROCKET_LOG_LEVEL: "silent",
    SPROCKET_FUNCTION_SPARE_RUNNERS: "0",
    SPROCKET_PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
  };
  if (db.databaseUrl) env.SPROCKET_DATABASE_URL = db.databaseUrl;
  const platform = await createPlatform(loadConfig({ port: 0, dataDir: db.dataDir }, env), opts);
  return {
    platform,
    db,
    async stop() {
      await platform.close();
      await db.drop();
    },
  };
}
