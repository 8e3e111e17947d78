import { loadConfig, startServer, type RunningServer } from "../../src/index";
import type { Clock } from "../../src/platform";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { SHARED_DEPS_CACHE } from "./project-api";

export interface TestServer extends RunningServer {
  db: TestDatabase;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/** A real server on a loopback port over the engine under test. */
export async function startTestServer(opts: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  // Builds share one warm dependency cache across suites.
  const env: NodeJS.ProcessEnv = { SPROCKET_LOG_LEVEL: "silent", SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE, ...opts.env };
  if (db.databaseUrl) env.SPROCKET_DATABASE_URL = db.databaseUrl;
  const config = loadConfig({ port: 0, dataDir: db.dataDir }, env);
  const server = await startServer(config, opts.clock ? { clock: opts.clock } : {});
  return {
    ...server,
    db,
    async stop() {
      await server.close();
      await db.drop();
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}
