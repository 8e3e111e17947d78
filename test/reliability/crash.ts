import { loadConfig, createPlatform } from "../../packages/server/src/index";
import { secretValues } from "../../packages/server/src/functions/secret-store";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { createTestDatabase, type TestDatabase } from "../../packages/server/test/support/test-database";
import { ProjectApi, SHARED_DEPS_CACHE, zipFixtureSource } from "../../packages/server/test/support/project-api";
import { bootstrapKey, freePort, spawnServer, type ServerProcess } from "../../packages/server/test/support/server-process";
import type { BootstrapInfo } from "../../packages/server/src/index";
import type { TestHooks } from "../../packages/server/src/config";
import { type CaseGroup, type Profile, check } from "./case";
import fs from "node:fs";
import path from "node:path";

interface CrashWorld {
  db: TestDatabase;
  port: number;
  env: NodeJS.ProcessEnv;
  server: ServerProcess;
  info: BootstrapInfo;
  token: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function restart(w: CrashWorld, testHooks?: TestHooks): Promise<void> {
  if (w.server.child.exitCode === null && w.server.child.signalCode === null) await w.server.kill("SIGKILL");
  w.server = await spawnServer({ port: w.port, dataDir: w.db.dataDir, env: w.env, ...(testHooks && { testHooks }) });
}

/** Work that runs until the server dies under it: each call reports whether the server acknowledged it. */
async function untilKilled(
  w: CrashWorld,
  writers: number,
  killAfterMs: number,
  step: (writer: number, seq: number) => Promise<boolean>,
): Promise<{ acked: number; attempted: number }> {
  let dead = false;
  let acked = 0;
  let attempted = 0;
  const loops = Array.from({ length: writers }, async (_, writer) => {
    for (let seq = 0; !dead; seq++) {
      attempted++;
      if (await step(writer, seq).catch(() => false)) acked++;
    }
  });
  await sleep(killAfterMs);
  dead = true;
  await w.server.kill("SIGKILL");
  await Promise.all(loops);
  return { acked, attempted };
}

const post = (w: CrashWorld, url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(w.server.url + url, {
    method: "POST",
    headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

async function batchCreates(w: CrashWorld, profile: Profile): Promise<string> {
  const details: string[] = [];
  for (let round = 0; round < profile.crashRounds; round++) {
    const acked = new Set<string>();
    const attempted: string[] = [];
    const run = await untilKilled(w, 8, 800 + round * 700, async (writer, seq) => {
      const tag = `r${round}w${writer}s${seq}`;
      attempted.push(tag);
      const res = await post(w, "/crm/v3/objects/contacts/batch/create", {
        inputs: Array.from({ length: 50 }, (_, i) => ({ properties: { firstname: tag, lastname: String(i) } })),
      });
      if (res.status === 201) acked.add(tag);
      return res.status === 201;
    });
    await restart(w);
    let partial = 0;
    let lost = 0;
    for (const tag of attempted) {
      const res = await post(w, "/crm/v3/objects/contacts/search", {
        filterGroups: [{ filters: [{ propertyName: "firstname", operator: "EQ", value: tag }] }],
        limit: 1,
      });
      const total = ((await res.json()) as { total: number }).total;
      if (total !== 0 && total !== 50) partial++;
      if (acked.has(tag) && total !== 50) lost++;
    }
    check(
      lost === 0 && partial === 0,
      `round ${round + 1}: ${lost} acknowledged batches lost, ${partial} partly visible (of ${attempted.length})`,
    );
    details.push(`${run.acked}/${run.attempted} batches acknowledged, all present`);
  }
  return `${details.join("; ")}; none partial`;
}

async function secretUpdates(w: CrashWorld, profile: Profile): Promise<string> {
  const session = await fetch(`${w.server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: w.info.superAdmin.email, password: w.info.superAdmin.password }),
  });
  const cookie = session.headers.getSetCookie()[0]!.split(";")[0]!;
  const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  const lastAcked = new Map<string, number>();
  const { acked, attempted } = await untilKilled(w, 4, 700 * profile.crashRounds, async (writer, seq) => {
    const key = `CRASH_${writer}_${seq % 5}`;
    const res = await fetch(`${w.server.url}/cms/v3/functions/secrets`, {
      method: "PUT",
      headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ key, secret: `v${seq}` }),
    });
    // PUT on a name not there yet is refused: add it first.
    const ok =
      res.ok ||
      (res.status === 404 &&
        (
          await fetch(`${w.server.url}/cms/v3/functions/secrets`, {
            method: "POST",
            headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
            body: JSON.stringify({ key, secret: `v${seq}` }),
          })
        ).ok);
    if (ok) lastAcked.set(key, seq);
    return ok;
  });
  await restart(w);
  const platform = await createPlatform(loadConfig({ port: 0, dataDir: w.db.dataDir }, w.env));
  try {
    const values = await secretValues(platform, w.info.accountId, [...lastAcked.keys()]);
    const stale = [...lastAcked].filter(([key, seq]) => values[key] === undefined || Number(values[key]!.slice(1)) < seq);
    check(
      stale.length === 0,
      `${stale.length} secrets lost or older than their last acknowledged value: ${stale
        .slice(0, 3)
        .map(([k, s]) => `${k} acked v${s}, found ${values[k]}`)
        .join(", ")}`,
    );
  } finally {
    await platform.close();
  }
  return `${acked}/${attempted} secret writes acknowledged; ${lastAcked.size} secrets hold their last acknowledged value or a later one`;
}

async function killDuring(w: CrashWorld, point: "build" | "deploy", project: string): Promise<string> {
  await restart(w, { crashPause: { at: point, ms: 120_000 } });
  let api = new ProjectApi(w.server.url, bootstrapKey(w.db.dataDir));
  await api.call("POST", "/developer/projects/v1", { body: { name: project } });
  const upload = await api.upload(project, await zipFixtureSource("seed-example"), { platformVersion: "2023.2" });
  check(upload.status === 200, `upload: ${upload.status} ${JSON.stringify(upload.body).slice(0, 200)}`);
  await w.server.waitForOutput("crash-test pause");
  await restart(w);
  api = new ProjectApi(w.server.url, bootstrapKey(w.db.dataDir));
  const build = await api.waitForBuild(project, upload.body.buildId);
  check(build.status === "SUCCESS", `the build after restart: ${build.status}`);
  const deploy = await api.waitForDeploy(project, build.autoDeployId);
  check(deploy.status === "SUCCESS", `the deploy after restart: ${deploy.status}`);
  const stuck = await api.call("GET", `/dfs/v1/projects/${project}/builds`);
  const unfinished = (stuck.body.results as Array<{ status: string }>).filter((b) => !["SUCCESS", "FAILURE"].includes(b.status));
  check(unfinished.length === 0, `${unfinished.length} builds not finished`);
  return `killed while ${point === "build" ? "building" : "deploying"}: after restart the build and its deploy finished SUCCESS, no build stuck`;
}

async function uploadsInFlight(w: CrashWorld): Promise<string> {
  let api = new ProjectApi(w.server.url, bootstrapKey(w.db.dataDir));
  await api.call("POST", "/developer/projects/v1", { body: { name: "crash-uploads" } });
  const zip = await zipFixtureSource("seed-example");
  const acked: number[] = [];
  const { attempted } = await untilKilled(w, 3, 600, async () => {
    const res = await api.upload("crash-uploads", zip, { platformVersion: "2023.2", skipAutoDeploy: true });
    if (res.status === 200) acked.push(res.body.buildId);
    return res.status === 200;
  });
  await restart(w);
  api = new ProjectApi(w.server.url, bootstrapKey(w.db.dataDir));
  for (const id of acked) {
    const build = await api.waitForBuild("crash-uploads", id);
    check(build.status === "SUCCESS", `acknowledged build ${id}: ${build.status}`);
  }
  return `${acked.length}/${attempted} uploads acknowledged before the kill; every one built SUCCESS after restart`;
}

export const crashGroup: CaseGroup<CrashWorld> = {
  name: "crash safety",
  async open() {
    const db = await createTestDatabase();
    const env: NodeJS.ProcessEnv = {
      SPROCKET_LOG_LEVEL: "warn",
      SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE,
      SPROCKET_JOB_LEASE_MS: "1500",
      SPROCKET_JOB_POLL_MS: "100",
      ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}),
    };
    const port = await freePort();
    const server = await spawnServer({ port, dataDir: db.dataDir, env });
    const info = JSON.parse(fs.readFileSync(path.join(db.dataDir, "bootstrap.json"), "utf8")) as BootstrapInfo;
    const platform = await createPlatform(loadConfig({ port: 0, dataDir: db.dataDir }, env));
    const { token } = await createTestApp(platform, info.accountId, {
      scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
    });
    await platform.store.db
      .updateTable("accounts")
      .set({ api_limit_ten_secondly: 1_000_000, search_limit_secondly: 100_000 })
      .where("id", "=", info.accountId)
      .execute();
    await platform.close();
    return { db, port, env, server, info, token };
  },
  async close(w) {
    await w.server.kill("SIGKILL");
    await w.db.drop();
  },
  cases: [
    { name: "SIGKILL during batch creates", run: batchCreates },
    { name: "SIGKILL during secret updates", run: secretUpdates },
    { name: "SIGKILL during uploads", fullOnly: true, run: (w) => uploadsInFlight(w) },
    { name: "SIGKILL during a build", fullOnly: true, run: (w) => killDuring(w, "build", "crash-build") },
    // The same project again: its app is already deployed there (an app's uid belongs to one project of the account).
    { name: "SIGKILL during a deploy", fullOnly: true, run: (w) => killDuring(w, "deploy", "crash-build") },
  ],
};
