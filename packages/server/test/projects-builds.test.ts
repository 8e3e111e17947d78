import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { readZipEntries } from "@sprocket/builder";
import { rawZip } from "../../builder/test/raw-zip";
import { loadBuildArtifact } from "../src/projects/build-artifact";
import { startTestServer, type TestServer } from "./support/test-server";
import { ProjectApi, zipFixtureSource } from "./support/project-api";

let server: TestServer;
let api: ProjectApi;
let seedZip: Buffer;
beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  seedZip = await zipFixtureSource("seed-example");
});
afterAll(async () => {
  await server.stop();
});

/** The seed's source with some files replaced (or removed, with null). */
async function seedVariant(changes: Record<string, string | null>, appUid?: string): Promise<Buffer> {
  const entries = await readZipEntries(seedZip);
  // App uids are unique per account, so each project's copy of the seed gets its own.
  if (appUid) entries.set("app/app.json", Buffer.from(entries.get("app/app.json")!.toString().replace("unique-app-name", appUid)));
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) entries.delete(path);
    else entries.set(path, Buffer.from(content));
  }
  const zip = new yazl.ZipFile();
  for (const [path, content] of entries) zip.addBuffer(content, path);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function newProject(name: string) {
  const res = await api.call("POST", "/developer/projects/v1", { body: { name } });
  expect(res.status).toBe(201);
  return res.body as { id: number };
}

const db = () => server.platform.store.db;

describe("upload → build → auto-deploy of seed-example", () => {
  let project: { id: number };
  let build: any;
  beforeAll(async () => {
    project = await newProject("seed");
    const upload = await api.upload("seed", seedZip, { platformVersion: "2023.2", uploadMessage: "first" });
    expect(upload.status).toBe(200);
    expect(upload.body).toMatchObject({ buildId: 1, buildStatusTaskLocator: { id: "1" } });
    build = await api.waitForBuild("seed", 1);
  }, 300_000);

  it("builds one sub-build per component, each with its status and timings", () => {
    expect(build).toMatchObject({
      buildId: 1,
      status: "SUCCESS",
      projectName: "seed",
      platformVersion: "2023.2",
      uploadMessage: "first",
      isAutoDeployEnabled: true,
    });
    expect(build.activitySource).toMatchObject({ type: "HUBSPOT_USER", userId: expect.any(Number) });
    const subs = build.subbuildStatuses.map((s: any) => [s.buildName, s.buildType, s.status, s.visible]);
    expect(subs).toEqual([
      ["unique-app-name", "PRIVATE_APP", "SUCCESS", true],
      ["example-card", "REACT_EXTENSION", "SUCCESS", true],
      ["app.functions", "SERVERLESS_PKG", "SUCCESS", true],
    ]);
    for (const s of build.subbuildStatuses) expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
  });

  it("serves the structure that ties sub-builds to their app", async () => {
    const res = await api.call("GET", "/dfs/v1/builds/by-project-name/seed/builds/1/structure");
    expect(res.body).toEqual({
      topLevelComponentsWithChildren: { "app:unique-app-name": ["card:unique-app-name:example-card", "functions:unique-app-name"] },
    });
  });

  it("stores the artifact: a card IIFE, a CommonJS function bundle and the manifest", async () => {
    const row = await db()
      .selectFrom("builds")
      .select(["id", "account_id"])
      .where("project_id", "=", project.id)
      .where("build_number", "=", 1)
      .executeTakeFirstOrThrow();
    const files = await loadBuildArtifact(db(), row.account_id, row.id);
    expect(files).toBeDefined();
    const manifest = JSON.parse(files!.get("manifest.json")!.toString());
    expect(manifest.apps[0]).toMatchObject({ uid: "unique-app-name", scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"] });
    const card = files!.get(manifest.apps[0].cards[0].bundle)!.toString();
    expect(card).toMatch(/^\(\(\)=>\{/);
    const fn = files!.get(manifest.apps[0].functions[0].bundle)!.toString();
    expect(fn).toContain("exports.main");
    // Another account cannot read it.
    expect(await loadBuildArtifact(db(), row.account_id + 999, row.id)).toBeUndefined();
  });

  it("auto-deploys: the app, its card and its function are registered and build 1 is live", async () => {
    expect(build.autoDeployId).toBeGreaterThan(0);
    expect(build.deployStatusTaskLocator).toMatchObject({ id: String(build.autoDeployId) });
    const deploy = await api.waitForDeploy("seed", build.autoDeployId);
    expect(deploy).toMatchObject({ deployId: build.autoDeployId, buildId: 1, status: "SUCCESS", projectName: "seed" });
    expect(deploy.subdeployStatuses).toEqual([
      expect.objectContaining({ deployName: "unique-app-name", deployType: "PRIVATE_APP", status: "SUCCESS", action: "INSTALL" }),
    ]);
    const structure = await api.call("GET", `/dfs/deploy/v1/deploys/by-project-name/seed/deploys/${build.autoDeployId}/structure`);
    expect(structure.body).toEqual({ topLevelComponentsWithChildren: { "app:unique-app-name": [] } });
    const app = await db()
      .selectFrom("private_apps")
      .selectAll()
      .where("project_id", "=", project.id)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(app).toMatchObject({ uid: "unique-app-name", name: "Get started App with React" });
    const components = await db()
      .selectFrom("app_components")
      .select(["kind", "name"])
      .where("app_id", "=", app.id)
      .orderBy("kind")
      .execute();
    expect(components).toEqual([
      { kind: "card", name: "example-card" },
      { kind: "function", name: "myFunc" },
    ]);
    const p = await api.call("GET", "/developer/projects/v1/by-name/seed");
    expect(p.body).toMatchObject({ deployedBuildId: 1, latestBuild: { buildId: 1, isDeployed: true } });
    const deployed = await api.call("GET", `/dfs/v1/projects-deployed-build/${project.id}`);
    expect(deployed.body.topLevelComponentMetadata[0]).toMatchObject({
      componentName: "unique-app-name",
      deployOutput: { appId: app.id },
      featureComponents: [
        { componentName: "example-card", type: { name: "CRM_CARD_V2" } },
        { componentName: "myFunc", type: { name: "APP_FUNCTION" } },
      ],
    });
  });

  it("gives back the source as archive-full: hsproject.json and src/ in a folder named for the project", async () => {
    const res = await api.call("GET", "/dfs/v1/projects/seed/builds/1/archive-full");
    expect(res.headers.get("content-type")).toBe("application/zip");
    const files = await readZipEntries(res.body as Buffer);
    expect(JSON.parse(files.get("seed/hsproject.json")!.toString())).toEqual({ name: "seed", srcDir: "src", platformVersion: "2023.2" });
    expect([...files.keys()]).toContain("seed/src/app/app.json");
    expect([...files.keys()]).toContain("seed/src/app/extensions/Example.jsx");
  });

  it("answers combined/warn with a logs array", async () => {
    expect((await api.call("GET", "/dfs/logging/v1/logs/projects/seed/builds/1/combined/warn")).body).toEqual({ logs: [] });
    expect((await api.call("GET", `/dfs/logging/v1/logs/projects/seed/deploys/${build.autoDeployId}/combined/warn`)).body).toEqual({
      logs: [],
    });
  });
});

describe("history, manual deploys, removals and rollback", () => {
  const name = "history";
  let historyZip: Buffer;
  beforeAll(async () => {
    await newProject(name);
    historyZip = await seedVariant({}, "history-app");
  });

  it("skips the auto-deploy when asked, and deploys the build on request (v1)", async () => {
    const upload = await api.upload(name, historyZip, { platformVersion: "2023.2", skipAutoDeploy: true });
    const build = await api.waitForBuild(name, upload.body.buildId);
    expect(build).toMatchObject({ status: "SUCCESS", autoDeployId: 0, isAutoDeployEnabled: true });
    expect((await api.call("GET", `/developer/projects/v1/by-name/${name}`)).body.deployedBuildId).toBeUndefined();
    const queued = await api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: name, buildId: 1 } });
    expect(queued.status).toBe(200);
    expect(queued.body.id).toEqual(expect.any(Number));
    expect((await api.waitForDeploy(name, queued.body.id)).status).toBe("SUCCESS");
  });

  it("warns before a deploy that removes a card (v1 error, v3 DEPLOY_BLOCKED), deploys once confirmed, and rolls back", async () => {
    // Build 2: the same app without its card. Its auto-deploy must not remove the card on its own.
    const noCard = await seedVariant({
      "app/app.json": JSON.stringify({
        name: "Get started App with React",
        description: "d",
        scopes: ["crm.objects.contacts.read"],
        uid: "history-app",
        public: false,
      }),
    });
    const upload = await api.upload(name, noCard, { platformVersion: "2023.2" });
    const build2 = await api.waitForBuild(name, upload.body.buildId);
    expect(build2.status).toBe("SUCCESS");
    const auto = await api.waitForDeploy(name, build2.autoDeployId);
    expect(auto.status).toBe("FAILURE");
    expect(auto.subdeployStatuses[0].errorMessage).toContain('card "example-card"');
    expect((await api.call("GET", `/developer/projects/v1/by-name/${name}`)).body.deployedBuildId).toBe(1);

    const v1 = await api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: name, buildId: 2 } });
    expect(v1.status).toBe(400);
    expect(v1.body).toMatchObject({
      category: "VALIDATION_ERROR",
      subCategory: "DeployPipelineErrorType.WARNING_DEPLOY_CONTAINS_REMOVALS",
    });
    expect(v1.body.context.COMPONENT_NAME[0]).toContain("example-card");
    const v3 = await api.call("POST", "/dfs/deploy/v3/deploys/queue/async", { body: { projectName: name, targetBuildId: 2 } });
    expect(v3.body).toMatchObject({
      buildResultType: "DEPLOY_BLOCKED",
      issues: [{ uid: "example-card", componentTypeName: "CARD", blockingMessages: [{ isWarning: true }] }],
    });

    const confirmed = await api.call("POST", "/dfs/deploy/v3/deploys/queue/async", {
      body: { projectName: name, targetBuildId: 2, ignoreWarnings: true },
    });
    expect(confirmed.body).toMatchObject({ buildResultType: "DEPLOY_QUEUED", id: expect.any(String) });
    expect((await api.waitForDeploy(name, Number(confirmed.body.id))).status).toBe("SUCCESS");
    const app = await db()
      .selectFrom("private_apps")
      .selectAll()
      .where("uid", "=", "history-app")
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(app.scopes)).toEqual(["crm.objects.contacts.read"]);
    expect((await db().selectFrom("app_components").select("name").where("app_id", "=", app.id).execute()).map((c) => c.name)).toEqual([
      "myFunc",
    ]);

    // Rollback to build 1 restores its card and scopes.
    const back = await api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: name, buildId: 1 } });
    expect((await api.waitForDeploy(name, back.body.id)).status).toBe("SUCCESS");
    const restored = await db().selectFrom("private_apps").selectAll().where("id", "=", app.id).executeTakeFirstOrThrow();
    expect(JSON.parse(restored.scopes)).toEqual(["crm.objects.contacts.read", "crm.objects.contacts.write"]);
    expect(
      (await db().selectFrom("app_components").select("name").where("app_id", "=", app.id).orderBy("name").execute()).map((c) => c.name),
    ).toEqual(["example-card", "myFunc"]);
    expect((await api.call("GET", `/developer/projects/v1/by-name/${name}`)).body).toMatchObject({
      deployedBuildId: 1,
      latestBuild: { buildId: 2 },
    });
  });

  it("lists builds newest first with cursor paging", async () => {
    const first = await api.call("GET", `/dfs/v1/projects/${name}/builds?limit=1`);
    expect(first.body.results.map((b: any) => b.buildId)).toEqual([2]);
    expect(first.body.paging.next.after).toBe("2");
    const second = await api.call("GET", `/dfs/v1/projects/${name}/builds?limit=1&after=${first.body.paging.next.after}`);
    expect(second.body.results.map((b: any) => b.buildId)).toEqual([1]);
    expect(second.body.paging).toBeUndefined();
  });

  it("lists deploys newest first with who deployed, why one failed, and cursor paging", async () => {
    const all = await api.call("GET", `/dfs/deploy/v1/deploys/by-project-name/${name}/deploys`);
    expect(all.status).toBe(200);
    const email = server.bootstrap.info.superAdmin.email;
    // Manual deploy of build 1, the refused auto-deploy of build 2, its confirmed deploy, then the rollback to build 1.
    expect(all.body.results.map((d: any) => [d.buildId, d.status, d.source, d.userEmail])).toEqual([
      [1, "SUCCESS", "HUBSPOT_USER", email],
      [2, "SUCCESS", "HUBSPOT_USER", email],
      [2, "FAILURE", "AUTO_DEPLOY", undefined],
      [1, "SUCCESS", "HUBSPOT_USER", email],
    ]);
    expect(all.body.results[2].errorMessage).toContain('card "example-card"');
    expect(all.body.paging).toBeUndefined();
    const first = await api.call("GET", `/dfs/deploy/v1/deploys/by-project-name/${name}/deploys?limit=3`);
    expect(first.body.paging.next.after).toBe(String(first.body.results[2].deployId));
    const rest = await api.call(
      "GET",
      `/dfs/deploy/v1/deploys/by-project-name/${name}/deploys?limit=3&after=${first.body.paging.next.after}`,
    );
    expect(rest.body.results.map((d: any) => d.deployId)).toEqual([all.body.results[3].deployId]);
    expect((await api.call("GET", `/dfs/deploy/v1/deploys/by-project-name/${name}/deploys?after=x`)).status).toBe(400);
    expect((await api.call("GET", "/dfs/deploy/v1/deploys/by-project-name/nope/deploys")).status).toBe(404);
  });

  it("refuses to deploy a build that does not exist or did not succeed", async () => {
    const missing = await api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: name, buildId: 99 } });
    expect(missing.status).toBe(404);
    const broken = await seedVariant({ "app/extensions/Example.jsx": "export default (" }, "history-app");
    const upload = await api.upload(name, broken, { platformVersion: "2023.2" });
    await api.waitForBuild(name, upload.body.buildId);
    const failed = await api.call("POST", "/dfs/deploy/v1/deploys/queue/async", {
      body: { projectName: name, buildId: upload.body.buildId },
    });
    expect(failed.status).toBe(400);
    expect(failed.body.message).toContain("only a successful build can be deployed");
  });
});

describe("failed builds", () => {
  beforeAll(async () => {
    await newProject("fails");
  });

  it("turns the validator's diagnostics into the build's errors, with file, line, column and pointer", async () => {
    const verbatim = await zipFixtureSource("seed-verbatim");
    const upload = await api.upload("fails", verbatim, { platformVersion: "2023.2" });
    const build = await api.waitForBuild("fails", upload.body.buildId);
    expect(build.status).toBe("FAILURE");
    expect(build.autoDeployId).toBe(0);
    const [sub] = build.subbuildStatuses;
    expect(sub).toMatchObject({ status: "FAILURE", errorMessage: "Project validation failed" });
    const messages = sub.standardError.errors.map((e: any) => e.message);
    expect(messages.some((m: string) => /^app\/app\.json:\d+:\d+ .*at \/scopes\/0/.test(m))).toBe(true);
  });

  it("fails only the component that does not compile, names its file:line:col, and marks its app dependent", async () => {
    const broken = await seedVariant({ "app/extensions/Example.jsx": 'import React from "react";\nconst x = 1 +;\n' }, "fails-app");
    const upload = await api.upload("fails", broken, { platformVersion: "2023.2" });
    const build = await api.waitForBuild("fails", upload.body.buildId);
    expect(build.status).toBe("FAILURE");
    const byName = Object.fromEntries(build.subbuildStatuses.map((s: any) => [s.buildName, s]));
    expect(byName["example-card"].status).toBe("FAILURE");
    expect(byName["example-card"].standardError.errors[0].message).toMatch(/^app\/extensions\/Example\.jsx:2:\d+ /);
    expect(byName["app.functions"].status).toBe("SUCCESS");
    expect(byName["fails-app"]).toMatchObject({
      status: "FAILURE",
      standardError: { subCategory: "BuildPipelineErrorType.DEPENDENT_SUBBUILD_FAILED" },
    });
  });
});

describe("upload safety", () => {
  beforeAll(async () => {
    await newProject("safety");
  });
  const upload = (zip: Buffer) => api.upload("safety", zip, { platformVersion: "2023.2" });
  const buildCount = async () => (await api.call("GET", "/dfs/v1/projects/safety/builds")).body.results.length;

  it.each([
    ["a path with ..", [{ name: "../evil.js", data: Buffer.from("x") }], "UPLOAD_ZIP_SLIP"],
    ["an absolute path", [{ name: "/etc/evil.js", data: Buffer.from("x") }], "UPLOAD_ZIP_SLIP"],
    ["a symlink", [{ name: "link", data: Buffer.from("/etc/passwd"), unixMode: 0o120777 }], "UPLOAD_SYMLINK"],
    [
      "a duplicate entry",
      [
        { name: "a.js", data: Buffer.from("1") },
        { name: "a.js", data: Buffer.from("2") },
      ],
      "UPLOAD_DUPLICATE_ENTRY",
    ],
  ])("refuses %s with 400 before storing anything", async (_what, entries, code) => {
    const res = await upload(rawZip(entries));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR", subCategory: code });
    expect(res.body.message).toMatch(/^The upload was refused: /);
    expect(await buildCount()).toBe(0);
  });

  it("refuses a zip bomb and too many entries with 413", async () => {
    const bomb = await upload(rawZip([{ name: "big.txt", data: Buffer.alloc(210 * 1024 * 1024) }]));
    expect(bomb.status).toBe(413);
    expect(bomb.body.category).toBe("PAYLOAD_TOO_LARGE");
    const many = await upload(rawZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}.txt`, method: 0 }))));
    expect(many.status).toBe(413);
    expect(many.body.subCategory).toBe("UPLOAD_TOO_MANY_ENTRIES");
    expect(await buildCount()).toBe(0);
  });

  it("refuses a corrupt archive, a missing file field, a non-multipart body and an unknown project", async () => {
    expect((await upload(Buffer.from("not a zip"))).body.subCategory).toBe("UPLOAD_CORRUPT");
    const form = new FormData();
    form.set("platformVersion", "2023.2");
    const noFile = await api.call("POST", "/dfs/v1/projects/upload/safety", { form });
    expect(noFile.status).toBe(400);
    expect(noFile.body.message).toContain('"file"');
    const json = await api.call("POST", "/dfs/v1/projects/upload/safety", { body: { file: "x" } });
    expect(json.status).toBe(415);
    // Says multipart, but has no boundary: the parser's complaint, as a 400 (it was a 500).
    const unbounded = await fetch(`${api.baseUrl}/project-components-external/v3/upload/new-api`, {
      method: "POST",
      headers: { authorization: `Bearer ${await api.bearer()}`, "content-type": "multipart/form-data" },
      body: "--x\r\n",
    });
    expect(unbounded.status).toBe(400);
    expect(((await unbounded.json()) as { message: string }).message).toContain("Boundary not found");
    expect((await api.upload("no-such-project", seedZip, { platformVersion: "2023.2" })).status).toBe(404);
  });

  it("accepts the 2025.2 upload (new-api) and answers createdBuildId", async () => {
    const form = new FormData();
    form.set("projectFilesZip", new Blob([new Uint8Array(rawZip([{ name: "app/app-hsmeta.json", data: Buffer.from("{") }]))]), "p.zip");
    form.set("platformVersion", "2025.2");
    form.set("uploadRequest", JSON.stringify({ projectName: "safety", buildMessage: "v3", skipAutoDeploy: true }));
    const res = await api.call("POST", "/project-components-external/v3/upload/new-api", { form });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ createdBuildId: 1 });
    const build = await api.waitForBuild("safety", 1);
    expect(build).toMatchObject({ status: "FAILURE", uploadMessage: "v3", platformVersion: "2025.2" });
    const bad = new FormData();
    bad.set("projectFilesZip", new Blob([new Uint8Array(seedZip)]), "p.zip");
    bad.set("platformVersion", "2025.2");
    bad.set("uploadRequest", "{}");
    const refused = await api.call("POST", "/project-components-external/v3/upload/new-api", { form: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("projectName");
  });
});
