// The two modes bench/cluster compares, each a real server started in this process, and what their loads call.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { loadConfig, startServer, type RunningServer } from "@sprocket/server";
import { ProjectApi, SHARED_DEPS_CACHE } from "../../packages/server/test/support/project-api";
import { ensureTestRole, TEST_ROLE, testRoleUrl } from "../../packages/server/test/support/test-database";

const PG_ADMIN = process.env.SPROCKET_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const FUNCTIONS_PROJECT = path.resolve(import.meta.dirname, "../../packages/server/test/fixtures/functions-project");

/** The load measures invocations, not the per-account limit on anonymous endpoint calls; builds share a warm cache. */
const UNLIMITED_ENDPOINTS = { SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "1000000", SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE };

export interface Mode {
  name: string;
  server: RunningServer;
  stop(): Promise<void>;
}

export async function embedded(): Promise<Mode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-"));
  const server = await startServer(loadConfig({ port: 0, dataDir }, { SPROCKET_LOG_LEVEL: "silent", ...UNLIMITED_ENDPOINTS }));
  return {
    name: "embedded",
    server,
    async stop() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function scaleOut(): Promise<Mode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-"));
  const db = `sprocket_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  // As the tests do: Sprocket refuses a superuser role, so the database belongs to the unprivileged test role.
  await ensureTestRole(admin);
  await admin.query(`CREATE DATABASE ${db} OWNER ${TEST_ROLE.name}`);
  await admin.end();
  const server = await startServer(
    loadConfig(
      { port: 0, dataDir },
      {
        SPROCKET_LOG_LEVEL: "silent",
        ...UNLIMITED_ENDPOINTS,
        SPROCKET_DATABASE_URL: testRoleUrl(db),
        SPROCKET_REDIS_URL: REDIS_URL,
        SPROCKET_REDIS_PREFIX: `sprocket-bench-${randomBytes(4).toString("hex")}`,
        SPROCKET_SECRET_KEY: randomBytes(32).toString("hex"),
      },
    ),
  );
  return {
    name: "PostgreSQL + Redis",
    server,
    async stop() {
      await server.close();
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deploys the functions fixture through the API, lifts the account's limits, and returns what the loads call. */
export async function prepare(mode: Mode): Promise<{ crmUrl: string; fnUrl: string; token: string }> {
  const { server } = mode;
  const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await api.call("POST", "/developer/projects/v1", { body: { name: "bench" } });
  const upload = await api.upload("bench", await zipDirectory(path.join(FUNCTIONS_PROJECT, "src"), { ignore: hubspotUploadIgnore }), {
    platformVersion: "2025.1",
  });
  const build = await api.waitForBuild("bench", upload.body.buildId);
  if (build.status !== "SUCCESS") throw new Error(`the bench build failed: ${JSON.stringify(build)}`);
  await api.waitForDeploy("bench", Number(build.deployStatusTaskLocator.id));
  const accountId = server.bootstrap.info.accountId;
  await server.platform.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 100_000_000, api_limit_daily: 1_000_000_000 })
    .where("id", "=", accountId)
    .execute();
  const token = (await api.call("POST", "/api/v1/private-apps/functions-suite/token/reveal")).body.token as string;
  const contacts = await fetch(`${server.url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then(
    (r) => r.json() as Promise<{ results: Array<{ id: string }> }>,
  );
  return {
    crmUrl: `${server.url}/crm/v3/objects/contacts/${contacts.results[0]!.id}`,
    fnUrl: `${server.functionsUrl}/${accountId}/_hcms/api/hello?name=bench`,
    token,
  };
}
