import { defineConfig } from "vitest/config";

// Suites that touch the store run twice: once on SQLite, once on PostgreSQL.
const storeSuites = [
  "packages/server/test/**/*.test.ts",
  "packages/cli/test/**/*.test.ts",
  "test/e2e/**/*.test.ts",
  "test/reliability/**/*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/{project-format,builder,runtime,console}/test/**/*.test.ts"],
        },
      },
      { extends: true, test: { name: "sqlite", include: storeSuites, env: { SPROCKET_TEST_DB: "sqlite" } } },
      { extends: true, test: { name: "postgres", include: storeSuites, env: { SPROCKET_TEST_DB: "postgres" } } },
    ],
  },
});
