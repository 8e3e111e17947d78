import { loadConfig, startServer, type RunningServer } from "../../src/index";
import type { Clock } from "../../src/platform";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { SHARED_DEPS_CACHE } from "./project-api";
import { TEST_PASSWORD_HASH_COST } from "./password-cost";

export interface TestServer extends RunningServer {
  db: TestDatabase;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/**
 * A real server on a loopback port over the engine under test. `demoCrm: false` leaves the demo account's CRM empty,
 * for suites that never read the seeded records (seeding is most of a start).
 */
export async function startTestServer(opts: { clock?: Clock; env?: NodeJS.ProcessEnv; demoCrm?: boolean } = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  // Builds share one warm dependency cache across suites. No spare runners unless a suite asks (functions.test.ts
  // runs with the default): each is a Node start at the first deploy, and a test run starts a hundred servers.
  // Passwords at the lowest hash cost: see TEST_PASSWORD_HASH_COST.
  const env: NodeJS.ProcessEnv = {
    SPROCKET_LOG_LEVEL: "silent",
    SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE,
    SPROCKET_FUNCTION_SPARE_RUNNERS: "0",
    // Compiling the ~2,000 routes (HEAD included) to code was a third of a start's CPU, paid by every server a suite
    // starts and won back only over thousands of requests. Servers started as processes (server-process.ts: the e2e,
    // CLI and cluster suites) and the benchmarks keep the default, so those suites exercise the compiled router.
    SPROCKET_ROUTER_COMPILE: "false",
    SPROCKET_PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
    ...opts.env,
  };
  if (db.databaseUrl) env.SPROCKET_DATABASE_URL = db.databaseUrl;
  const config = loadConfig({ port: 0, dataDir: db.dataDir }, env);
  const server = await startServer(config, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.demoCrm === false ? { bootstrap: { demoCrm: false } } : {}),
  });
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
