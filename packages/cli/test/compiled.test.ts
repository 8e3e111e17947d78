import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, spawnServer, type ServerProcess } from "../../server/test/support/server-process";
import { createTestDatabase, type TestDatabase } from "../../server/test/support/test-database";
import { runCli } from "./run-cli";

// The production shape (issue #19): the `sprocket` binary and the server it starts run the compiled packages (dist/,
// which `npm install` builds and the test run rebuilds first), never TypeScript through tsx.
const trace = `--import=${path.resolve(import.meta.dirname, "fixtures/trace-loads.mjs")}`;
const loaded = (output: string) => [...output.matchAll(/^loaded (file:\S+)$/gm)].map((m) => m[1]!);
const fromSourcesOrTsx = (urls: string[]) =>
  urls.filter((url) => url.includes("/node_modules/tsx/") || /\/packages\/[^/]+\/src\//.test(url));

it("the sprocket binary runs the compiled CLI", async () => {
  const { code, stdout, stderr } = await runCli(["--version"], { NODE_OPTIONS: trace });
  expect(code).toBe(0);
  expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expect(loaded(stderr)).toContainEqual(expect.stringMatching(/\/packages\/cli\/dist\/main\.js$/));
  expect(fromSourcesOrTsx(loaded(stderr))).toEqual([]);
});

describe("a server the binary starts", () => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { NODE_OPTIONS: trace, ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}) };
    server = await spawnServer({ port: await freePort(), dataDir: db.dataDir, env });
  });

  afterAll(async () => {
    await server?.kill("SIGTERM");
    await db?.drop();
  });

  it("runs compiled code and serves the built console", async () => {
    const page = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<!doctype html>");
    expect(loaded(server.output())).toContainEqual(expect.stringMatching(/\/packages\/server\/dist\/server\.js$/));
    expect(fromSourcesOrTsx(loaded(server.output()))).toEqual([]);
  });
});
