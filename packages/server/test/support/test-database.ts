import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** Which engine a store suite runs on: set per vitest project (see vitest.config.ts). */
export const testEngine = (process.env.SPROCKET_TEST_DB ?? "sqlite") as "sqlite" | "postgres";

const ADMIN_URL = process.env.SPROCKET_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The role the server under test connects as: no superuser, no CREATEROLE, no CREATEDB, only the owner of the
 * databases made for it, as docs/operations.md tells operators to set it up. The suites prove Sprocket runs so.
 */
export const TEST_ROLE = { name: "sprocket_test", password: "sprocket-test-password" } as const;

/**
 * Creates the test role once per cluster. Vitest workers race here: CREATE ROLE of a name another session has just
 * created fails with duplicate_object (42710), or unique_violation (23505) when both commit at the same moment; either
 * means the role is there.
 */
export async function ensureTestRole(admin: pg.Client): Promise<void> {
  const exists = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [TEST_ROLE.name]);
  if (exists.rowCount) return;
  await admin
    .query(`CREATE ROLE ${TEST_ROLE.name} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '${TEST_ROLE.password}'`)
    .catch((e: { code?: string }) => {
      if (e.code !== "42710" && e.code !== "23505") throw e;
    });
}

/** A URL for `database` on the admin URL's server, signed in as the test role. */
export function testRoleUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.username = TEST_ROLE.name;
  url.password = TEST_ROLE.password;
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  /** SPROCKET_DATABASE_URL for the engine under test (undefined on SQLite). */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh data dir and, on PostgreSQL, a fresh database of its own, owned by the test role, so suites never share
 * state. It is created and dropped as the admin (the role itself may not create databases).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-test-"));
  if (testEngine === "sqlite") {
    return { databaseUrl: undefined, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `sprocket_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await ensureTestRole(admin);
    await admin.query(`CREATE DATABASE ${name} OWNER ${TEST_ROLE.name}`);
  } finally {
    await admin.end();
  }
  return {
    databaseUrl: testRoleUrl(name),
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
