import fs from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readZipEntries } from "@sprocket/builder";
import yazl from "yazl";
import { loadConfig, openStore, type Store } from "../src/index";
import type { TestHooks } from "../src/config";
import { buildSettings } from "../src/projects/build-settings";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { ProjectApi, SHARED_DEPS_CACHE, zipFixtureSource } from "./support/project-api";
import { bootstrapKey, freePort, spawnServer, type ServerProcess } from "./support/server-process";

let db: TestDatabase;
let port: number;
let running: ServerProcess | undefined;

const baseEnv = () => ({
  SPROCKET_LOG_LEVEL: "warn",
  SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE,
  SPROCKET_JOB_LEASE_MS: "1500",
  SPROCKET_JOB_POLL_MS: "100",
  ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}),
});
const start = async (testHooks?: TestHooks) =>
  (running = await spawnServer({ port, dataDir: db.dataDir, env: baseEnv(), ...(testHooks && { testHooks }) }));

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
});
// A test that fails or times out mid-way leaves its server holding the port: the next test's start would fail on it.
afterEach(async () => {
  await running?.kill("SIGKILL");
  running = undefined;
});
afterAll(async () => {
  await db.drop();
});

/** Reads the store directly, as it is on disk, while no server runs. */
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

// Under root the build scratch lives outside the data dir (builds run as their own uid): ask the settings where.
const workDir = () => buildSettings(loadConfig({ dataDir: db.dataDir }, {})).workDir;

describe("crash safety (the real server, killed with SIGKILL)", () => {
  let api: ProjectApi;

  it("resumes a build whose server died mid-build, and leaves no temporary files", async () => {
    let server = await start({ crashPause: { at: "build", ms: 120_000 } });
    api = new ProjectApi(server.url, bootstrapKey(db.dataDir));
    await api.call("POST", "/developer/projects/v1", { body: { name: "crashy" } });
    const upload = await api.upload("crashy", await zipFixtureSource("seed-example"), { platformVersion: "2023.2" });
    expect(upload.status).toBe(200);
    await server.waitForOutput("crash-test pause");
    expect(fs.readdirSync(workDir()).length).toBe(1);
    expect((await api.call("GET", "/dfs/v1/projects/crashy/builds/1/status")).body.status).toBe("BUILDING");
    await server.kill("SIGKILL");

    server = await start();
    api = new ProjectApi(server.url, bootstrapKey(db.dataDir));
    const build = await api.waitForBuild("crashy", 1);
    expect(build.status).toBe("SUCCESS");
    expect((await api.waitForDeploy("crashy", build.autoDeployId)).status).toBe("SUCCESS");
    expect(fs.existsSync(workDir()) ? fs.readdirSync(workDir()) : []).toEqual([]);
    await server.kill("SIGTERM");
  });

  it("keeps the old build live, entirely, when the server dies inside a deploy; the deploy completes after restart", async () => {
    const server = await start({ crashPause: { at: "deploy", ms: 120_000 } });
    api = new ProjectApi(server.url, bootstrapKey(db.dataDir));
    // Build 2 changes the app's scopes and drops nothing.
    const entries = await readZipEntries(await zipFixtureSource("seed-example"));
    const appJson = JSON.parse(entries.get("app/app.json")!.toString());
    entries.set("app/app.json", Buffer.from(JSON.stringify({ ...appJson, scopes: ["crm.objects.contacts.read"] })));
    const zip = new yazl.ZipFile();
    for (const [p, c] of entries) zip.addBuffer(c, p);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
    await api.upload("crashy", Buffer.concat(chunks), { platformVersion: "2023.2" });
    await server.waitForOutput("crash-test pause");
    await server.kill("SIGKILL");

    const live = () =>
      withStore(async (store) => {
        const project = await store.db
          .selectFrom("projects")
          .select(["id", "deployed_build_id"])
          .where("name", "=", "crashy")
          .executeTakeFirstOrThrow();
        const deployed = await store.db
          .selectFrom("builds")
          .select("build_number")
          .where("id", "=", project.deployed_build_id!)
          .executeTakeFirstOrThrow();
        const app = await store.db
          .selectFrom("private_apps")
          .select(["id", "scopes", "active_build_id"])
          .where("project_id", "=", project.id)
          .where("deleted_at", "is", null)
          .executeTakeFirstOrThrow();
        const components = await store.db.selectFrom("app_components").select("build_id").where("app_id", "=", app.id).execute();
        return {
          build: deployed.build_number,
          buildId: project.deployed_build_id,
          app,
          componentBuilds: [...new Set(components.map((c) => c.build_id))],
        };
      });
    const before = await live();
    expect(before.build).toBe(1);
    expect(JSON.parse(before.app.scopes)).toEqual(["crm.objects.contacts.read", "crm.objects.contacts.write"]);
    expect(before.app.active_build_id).toBe(before.buildId);
    expect(before.componentBuilds).toEqual([before.buildId]);

    const restarted = await start();
    api = new ProjectApi(restarted.url, bootstrapKey(db.dataDir));
    const build2 = await api.waitForBuild("crashy", 2);
    expect((await api.waitForDeploy("crashy", build2.autoDeployId)).status).toBe("SUCCESS");
    await restarted.kill("SIGTERM");
    running = undefined;
    const after = await live();
    expect(after.build).toBe(2);
    expect(JSON.parse(after.app.scopes)).toEqual(["crm.objects.contacts.read"]);
    expect(after.app.active_build_id).toBe(after.buildId);
    expect(after.componentBuilds).toEqual([after.buildId]);
  });
});
