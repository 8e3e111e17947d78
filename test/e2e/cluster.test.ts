// Scale-out mode: three real nodes on loopback sharing one PostgreSQL database and one Redis.
import { randomBytes } from "node:crypto";
import pg from "pg";
import yazl from "yazl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZipEntries } from "@sprocket/builder";
import { zipFixtureSource, type ProjectApi } from "../../packages/server/test/support/project-api";
import { Redis } from "ioredis";
import { alive, bootstrapInfo, Cluster, followLogs, REDIS_URL, runnersOf, type ClusterNode } from "./support/cluster";

/** seed-example with its function's answer and its card's title changed, as a developer's next upload would be. */
async function seedExample(version: string): Promise<Buffer> {
  const entries = await readZipEntries(await zipFixtureSource("seed-example"));
  const fn = "app/app.functions/example-function.js";
  entries.set(fn, Buffer.from(entries.get(fn)!.toString().replace("This is coming from a serverless function!", `Version ${version}:`)));
  const card = "app/extensions/example-card.json";
  const json = JSON.parse(entries.get(card)!.toString());
  entries.set(card, Buffer.from(JSON.stringify({ ...json, data: { ...json.data, title: `Example card ${version}` } })));
  const zip = new yazl.ZipFile();
  for (const [p, c] of entries) zip.addBuffer(c, p);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Uploads through one node and waits, through that node, for the build and its auto-deploy to finish. */
async function uploadAndDeploy(api: ProjectApi, project: string, zip: Buffer, buildNumber: number) {
  expect((await api.upload(project, zip, { platformVersion: "2023.2" })).status).toBe(200);
  const build = await api.waitForBuild(project, buildNumber);
  expect(build.status).toBe("SUCCESS");
  expect((await api.waitForDeploy(project, build.autoDeployId)).status).toBe("SUCCESS");
}

const runFunction = (api: ProjectApi, appId: number, text: string) =>
  api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
    body: { serverlessFunction: "myFunc", parameters: { text } },
  });

const contactCards = async (api: ProjectApi) =>
  (await api.call("GET", "/api/v1/record-cards?objectType=contacts")).body.results as Array<{
    appId: number;
    buildId: number;
    title: string;
    bundleUrl: string;
  }>;

async function appIdOf(api: ProjectApi, uid: string): Promise<number> {
  const res = await api.call("GET", `/api/v1/private-apps/${uid}`);
  expect(res.status).toBe(200);
  return res.body.appId as number;
}

async function jobRows(databaseUrl: string): Promise<{ pgBoss: Array<{ name: string; state: string }>; sqlJobs: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const boss = await client.query<{ name: string; state: string }>(
      "SELECT name, state FROM pgboss.job WHERE name LIKE 'projects.%' ORDER BY created_on",
    );
    const sql = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs");
    return { pgBoss: boss.rows, sqlJobs: sql.rows[0]!.n };
  } finally {
    await client.end();
  }
}

// A cluster shares one PostgreSQL database, so there is nothing to run on SQLite; under the postgres project these
// always run (CI runs both projects).
describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("three nodes over one PostgreSQL and one Redis", () => {
  let cluster: Cluster;
  let n1: ClusterNode, n2: ClusterNode, n3: ClusterNode;

  beforeAll(async () => {
    cluster = await Cluster.create();
    [n1, n2, n3] = (await cluster.start(["node1", "node2", "node3"])) as [ClusterNode, ClusterNode, ClusterNode];
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("bootstraps one demo account when the nodes start at the same moment, and every node knows its key", async () => {
    const infos = [n1, n2, n3].map((n) => bootstrapInfo(n.dataDir));
    expect(new Set(infos.map((i) => i.accountId)).size).toBe(1);
    expect(new Set(infos.map((i) => i.personalAccessKey)).size).toBe(1);
    const client = new pg.Client({ connectionString: cluster.db.databaseUrl });
    await client.connect();
    const accounts = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM accounts");
    await client.end();
    expect(accounts.rows[0]!.n).toBe(1);
    for (const n of [n1, n2, n3]) expect((await n.api.call("GET", "/api/v1/private-apps")).status).toBe(200);
  });

  it("prunes logs once an hour for the whole cluster: one pg-boss job per hour, run by one node", async () => {
    const client = new pg.Client({ connectionString: cluster.db.databaseUrl });
    await client.connect();
    try {
      const jobs = async () =>
        (
          await client.query<{ state: string; slot: string }>(
            "SELECT state, singleton_on::text AS slot FROM pgboss.job WHERE name = 'logs.retention'",
          )
        ).rows;
      // Unhurried: the nodes offer it once they are up, and a loaded machine runs it late.
      await expect
        .poll(async () => (await jobs()).map((r) => r.state), { timeout: 120_000 })
        .toSatisfy((states: string[]) => states.length > 0 && states.every((s) => s === "completed"));
      const rows = await jobs();
      // Three nodes offered it at start; an hour's slot holds one job (two only if the nodes started across an hour).
      expect(new Set(rows.map((r) => r.slot)).size).toBe(rows.length);
    } finally {
      await client.end();
    }
  });

  it("refuses to start a node whose secret key differs from the deployment's, naming the setting", async () => {
    await expect(cluster.start(["stranger"], { SPROCKET_SECRET_KEY: randomBytes(32).toString("hex") })).rejects.toThrow(
      "every node must be started with the same SPROCKET_SECRET_KEY",
    );
  });

  it("builds an upload to node 1 on whichever node claims it, and node 3 serves the new function and card as soon as the deploy is done", async () => {
    expect((await n1.api.call("POST", "/developer/projects/v1", { body: { name: "clustered" } })).status).toBe(201);
    await uploadAndDeploy(n1.api, "clustered", await seedExample("one"), 1);
    const appId = await appIdOf(n3.api, "unique-app-name");

    // Node 3 warms a runner of build 1 and serves its card.
    const first = await runFunction(n3.api, appId, "hi");
    expect(first.status).toBe(200);
    expect(first.body.response).toBe("Version one: You entered: hi");
    const [card1] = await contactCards(n3.api);
    expect(card1).toMatchObject({ appId, title: "Example card one" });

    // Build 2 goes in through node 1; the moment its deploy reads SUCCESS, node 3 answers with build 2.
    await uploadAndDeploy(n1.api, "clustered", await seedExample("two"), 2);
    const second = await runFunction(n3.api, appId, "hi");
    expect(second.status).toBe(200);
    expect(second.body.response).toBe("Version two: You entered: hi");
    const [card2] = await contactCards(n3.api);
    expect(card2).toMatchObject({ appId, title: "Example card two" });
    expect(card2!.buildId).not.toBe(card1!.buildId);
    const bundle = await n3.api.call("GET", card2!.bundleUrl);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect((await n3.api.call("GET", card1!.bundleUrl)).status).toBe(404);

    // Each build and deploy ran once, through pg-boss; the SQL job table of the embedded mode stayed empty.
    // Polled: pg-boss marks a job completed after its handler returns, which is after the deploy reads SUCCESS.
    await expect
      .poll(() => jobRows(cluster.db.databaseUrl!))
      .toEqual({
        sqlJobs: 0,
        pgBoss: [
          { name: "projects.build", state: "completed" },
          { name: "projects.deploy", state: "completed" },
          { name: "projects.build", state: "completed" },
          { name: "projects.deploy", state: "completed" },
        ],
      });
  });

  it("ignores a deploy notice PUBLISHed raw on Redis (review 2, M2), and follows a real one from another node", async () => {
    const appId = await appIdOf(n3.api, "unique-app-name");
    const { accountId } = bootstrapInfo(n3.dataDir);
    const [card] = await contactCards(n3.api);
    const live = card!.buildId;
    expect((await runFunction(n3.api, appId, "warm")).status).toBe(200);
    const runners = runnersOf(n3, { accountId, appId, buildId: live });
    expect(runners.length).toBeGreaterThan(0);

    // The reviewer's repro: what a function that reached Redis could send, telling every node to retire the live build.
    const intruder = new Redis(REDIS_URL);
    try {
      const notice = { accountId, appId, buildId: null, previousBuildId: live };
      expect(await intruder.publish(`${cluster.redisPrefix}:events:deploys`, JSON.stringify(notice))).toBeGreaterThanOrEqual(3);
    } finally {
      await intruder.quit();
    }
    // Each node says it refused the message; then the live build's runners are still there.
    for (const n of [n1, n2, n3]) await n.server.waitForOutput("not signed by this deployment");
    expect(alive(runners)).toEqual(runners);
    expect((await runFunction(n3.api, appId, "still")).body.response).toBe("Version two: You entered: still");

    // A real deploy through node 1: node 3 hears it, retires build 2's runners and warms build 3 without being called.
    await uploadAndDeploy(n1.api, "clustered", await seedExample("three"), 3);
    const [card3] = await contactCards(n1.api);
    await expect.poll(() => alive(runners)).toEqual([]);
    await expect.poll(() => runnersOf(n3, { accountId, appId, buildId: card3!.buildId }).length).toBeGreaterThan(0);
  });

  it("holds an app to 190 requests per 10 seconds in total, whichever nodes the requests reach", async () => {
    const token = (await n2.api.call("POST", "/api/v1/private-apps/unique-app-name/token/reveal")).body.token as string;
    const nodes = [n1, n2, n3];
    const statuses = await Promise.all(
      Array.from({ length: 240 }, (_, i) =>
        fetch(`${nodes[i % 3]!.url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
          const body = (await r.json()) as { policyName?: string };
          return r.status === 429 ? `429 ${body.policyName}` : String(r.status);
        }),
      ),
    );
    const counts = statuses.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    expect(counts).toEqual({ "200": 190, "429 TEN_SECONDLY_ROLLING": 50 });
  });

  it("streams on node 2 (logs --follow) a function run on node 3", async () => {
    const appId = await appIdOf(n2.api, "unique-app-name");
    const stream = await followLogs(n2.api, "kind=functions");
    try {
      const run = await runFunction(n3.api, appId, "followed");
      expect(run.status).toBe(200);
      const seen = await stream.next((e) => e.event === "functions" && e.data.traceId === run.body.traceId);
      expect(seen.data).toMatchObject({ functionName: "myFunc", outcome: "SUCCESS" });
    } finally {
      stream.close();
    }
  });
});

describe.runIf(process.env.SPROCKET_TEST_DB === "postgres")("a node killed in the middle of a build", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await Cluster.create();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("is replaced by another node, which finishes the build and its deploy within a minute", async () => {
    // The doomed node runs alone until it holds the build, so it is the one that claims it.
    const [doomed] = await cluster.start(["doomed"], {}, { crashPause: { at: "build", ms: 600_000 } });
    await doomed!.api.call("POST", "/developer/projects/v1", { body: { name: "orphaned" } });
    expect((await doomed!.api.upload("orphaned", await seedExample("one"), { platformVersion: "2023.2" })).status).toBe(200);
    await doomed!.server.waitForOutput("crash-test pause");
    const [heir] = await cluster.start(["heir1", "heir2"]);
    await doomed!.server.kill("SIGKILL");

    // Default lease (15 s) and maintenance: the build comes back to the queue and finishes well inside the minute.
    const build = await heir!.api.waitForBuild("orphaned", 1, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the heir printed: ${heir!.server.output()}`);
    });
    expect(build.status).toBe("SUCCESS");
    expect((await heir!.api.waitForDeploy("orphaned", build.autoDeployId)).status).toBe("SUCCESS");
    // The deploy's status commits inside the job's handler; pg-boss marks the job completed after the handler returns.
    await expect
      .poll(async () => (await jobRows(cluster.db.databaseUrl!)).pgBoss)
      .toEqual([
        { name: "projects.build", state: "completed" },
        { name: "projects.deploy", state: "completed" },
      ]);
  });
});
