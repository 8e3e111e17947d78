import os from "node:os";
import path from "node:path";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The order test files start in. A run is as long as its longest file plus the time that file waited for a worker.
// Without a results cache (a fresh clone: CI) vitest starts the files project by project in path order, so the
// reliability suite (test/…, after packages/…) started among the last and the run waited minutes on it alone. The
// files below start first, longest first (per-file times of a whole run of session 10's merged main, 15 s and over); the rest keep vitest's order. Grouped by project: a worker whose next file belongs to
// another project is replaced by a new one, which imports everything afresh.
const SLOW_FIRST = [
  "postgres:test/e2e/cluster.test.ts",
  "postgres:test/reliability/fuzz.test.ts",
  "postgres:test/reliability/attacker.test.ts",
  "postgres:packages/server/test/projects-crash.test.ts",
  "postgres:test/reliability/authz.test.ts",
  "postgres:test/reliability/crash.test.ts",
  "postgres:test/reliability/load.test.ts",
  "postgres:packages/server/test/logs.test.ts",
  "postgres:packages/server/test/oauth-installed-app.test.ts",
  "sqlite:packages/server/test/hs-cli.test.ts",
  "sqlite:test/reliability/fuzz.test.ts",
  "sqlite:test/e2e/hs-project-dev.test.ts",
  "sqlite:test/reliability/uploads.test.ts",
  "sqlite:packages/server/test/projects-crash.test.ts",
  "sqlite:test/e2e/console.test.ts",
  "sqlite:test/reliability/console-security.test.ts",
  "sqlite:test/reliability/attacker.test.ts",
  "sqlite:test/e2e/console-logs.test.ts",
  "sqlite:packages/server/test/sign-in-throttle.test.ts",
  "sqlite:test/e2e/extensions.test.ts",
  "sqlite:test/reliability/authz.test.ts",
  "sqlite:test/reliability/crash.test.ts",
  "sqlite:test/e2e/console-ux.test.ts",
  "sqlite:packages/cli/test/auth.test.ts",
  "sqlite:test/reliability/load.test.ts",
  "sqlite:test/e2e/extensions-dev.test.ts",
  "sqlite:packages/server/test/oauth-installed-app.test.ts",
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(`${f.project.name}:${path.relative(f.project.config.root, f.moduleId)}`);
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: files outside the list keep vitest's order after the listed ones.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

// Suites import the workspace packages' TypeScript sources, not their compiled dist/ (package.json `exports`).
const sourceCondition = "sprocket-source";

// The server's own suites and the reliability suite run twice: once on SQLite, once on PostgreSQL.
const storeSuites = ["packages/server/test/**/*.test.ts", "test/reliability/**/*.test.ts"];
// Suites whose subject is a client of the server (the sprocket CLI, HubSpot's hs CLI, the console in Chromium) run on
// the embedded store only: the store under them is the one the suites above already hold on both engines, and running
// them twice cost CI a third of its time.
const clientSuites = ["packages/cli/test/**/*.test.ts", "packages/server/test/hs-cli.test.ts", "test/e2e/**/*.test.ts"];
// Store suites whose subject sits above the store: configuration, the builder and its sandbox, function runners,
// listeners and HTTP framing, the console's server render, HubSpot's CLI protocol, hostile uploads and the console's
// origin, the sign-in throttle (in memory or Redis, never the database), the rate-limit lines' counts. The store calls
// they make are the ones the CRM, accounts, apps, projects, logs and reliability suites run on both engines, so they
// run on SQLite only: a second run on PostgreSQL found nothing the first did not and cost CI minutes.
const aboveTheStore = [
  "packages/server/test/apps-sdk-retry.test.ts",
  "packages/server/test/card-fetch.test.ts",
  "packages/server/test/config*.test.ts",
  "packages/server/test/console-*.test.ts",
  "packages/server/test/domain-errors.test.ts",
  "packages/server/test/endpoint-server.test.ts",
  "packages/server/test/function-runners.test.ts",
  "packages/server/test/function-stacks.test.ts",
  "packages/server/test/git-isolation.test.ts",
  "packages/server/test/hs-cli-tls.test.ts",
  "packages/server/test/https-only.test.ts",
  "packages/server/test/iso-time.test.ts",
  "packages/server/test/projects-dependencies.test.ts",
  "packages/server/test/projects-git.test.ts",
  "packages/server/test/projects-hsmeta-features.test.ts",
  "packages/server/test/projects-hubspot-accepts.test.ts",
  "packages/server/test/rate-limit-headers.test.ts",
  "packages/server/test/redact-body.test.ts",
  "packages/server/test/request-signature.test.ts",
  "packages/server/test/router-compile.test.ts",
  "packages/server/test/sign-in-throttle.test.ts",
  "test/reliability/console-security.test.ts",
  "test/reliability/uploads.test.ts",
];
// Several nodes over one PostgreSQL and one Redis: scale-out mode only.
const clusterSuites = ["test/e2e/cluster*.test.ts"];

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) copies of itself. Node loads
  // the CommonJS one everywhere; Vite would give the server's own source the ESM one while the GraphQL libraries
  // it uses load the CommonJS one, and graphql refuses schemas built by "another module". One copy, as in production.
  resolve: {
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
    conditions: [sourceCondition, ...defaultClientConditions],
  },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
  test: {
    // Compiles the packages from the current sources first, for the processes suites start (see the file).
    globalSetup: ["test/global-setup.ts"],
    // Real builds install npm packages and real browsers render pages: generous limits, for hangs only.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // expect.poll waits on the same servers and browsers; its default second lost to a scrypt sign-in once in CI.
    expect: { poll: { timeout: 15_000 } },
    // Most suites wait on servers, browsers, child processes and timers rather than compute: a full run at three files
    // at a time kept 1.2 of two cores busy (user+sys over wall time), so more run at once (vitest's default on two
    // cores is one file at a time). Five were tried in session 16 and gave a fresh clone's CI nothing (decisions.md).
    maxWorkers: 4,
    // The longest files start first (see the file).
    sequence: { sequencer: SlowFirstSequencer },
    // Files share a worker's module graph instead of importing the server, the SDK and the browser driver afresh:
    // imports were a third of CI's CPU. Safe because nothing here keeps state in modules (the composition root holds
    // it, one per server a test starts) and no suite mocks modules.
    isolate: false,
    // One npm dependency cache for every server a test starts: the builder's cache is content-addressed and safe to
    // share, so each dependency set is installed once per machine, not once per test file. Server processes inherit
    // it; in-process servers get the same folder from test/support/test-server.ts (SHARED_DEPS_CACHE).
    env: { SPROCKET_DEPS_CACHE_DIR: path.join(os.tmpdir(), "sprocket-test-deps-cache") },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // bench/report.test.ts: the report generator, which needs no server; scripts/: the build's stamp.
          include: ["packages/{project-format,builder,runtime,console}/test/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: { name: "sqlite", include: [...storeSuites, ...clientSuites], exclude: clusterSuites, env: { SPROCKET_TEST_DB: "sqlite" } },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: [...storeSuites, ...clusterSuites],
          exclude: [...clientSuites.filter((g) => g.startsWith("packages/server")), ...aboveTheStore],
          env: { SPROCKET_TEST_DB: "postgres" },
        },
      },
    ],
  },
});
