import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { FIXTURES } from "../../server/test/support/project-api";
import { runCli, runInProcess } from "./run-cli";

let server: TestServer;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-project-"));
  env = { SPROCKET_CONFIG_PATH: path.join(work, "config.yml") };
  const auth = await runInProcess(
    ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
    env,
  );
  expect(auth.code).toBe(0);
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const db = () => server.platform.store.db;

describe("sprocket project upload / list-builds / deploy / download / open / delete", () => {
  it("uploads seed-example, creating the project, and ends with a deployed build whose app, card and function are registered", async () => {
    const res = await runInProcess(["project", "upload", path.join(FIXTURES, "seed-example"), "-m", "first"], env);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Created project seed-example");
    expect(res.stdout).toMatch(/Uploaded [\d.]+ kB/);
    expect(res.stdout).toMatch(/✔ example-card \(REACT_EXTENSION\)/);
    expect(res.stdout).toContain("Build #1 succeeded");
    expect(res.stdout).toContain("Deployed build #1");
    const app = await db()
      .selectFrom("private_apps")
      .select(["id"])
      .where("uid", "=", "unique-app-name")
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
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
  });

  it("refuses seed-verbatim locally with the validator's message and uploads nothing", async () => {
    const res = await runInProcess(["project", "upload", path.join(FIXTURES, "seed-verbatim")], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/src\/app\/app\.json:\d+:\d+ error/);
    expect(res.stderr).toContain("/scopes/0");
    expect(res.stderr).toContain("nothing was uploaded");
    const projects = await db().selectFrom("projects").select("name").execute();
    expect(projects.map((p) => p.name)).not.toContain("seed-verbatim");
  });

  it("uploads with --skip-auto-deploy --json, lists builds and deploys build 1 again", async () => {
    const up = await runInProcess(["project", "upload", path.join(FIXTURES, "seed-example"), "--skip-auto-deploy", "--json"], env);
    expect(up.code).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.build).toMatchObject({ buildId: 2, status: "SUCCESS", autoDeployId: 0 });
    expect(result.deploy).toBeUndefined();

    const list = await runInProcess(["project", "list-builds", "--project", "seed-example", "--json"], env);
    expect(JSON.parse(list.stdout).results.map((b: { buildId: number; isDeployed: boolean }) => [b.buildId, b.isDeployed])).toEqual([
      [2, false],
      [1, true],
    ]);
    const table = await runInProcess(["project", "list-builds", "--project", "seed-example"], env);
    expect(table.stdout).toContain("#2");
    expect(table.stdout).toContain("live");

    const deploy = await runInProcess(["project", "deploy", "--project", "seed-example", "--build", "2"], env);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain("Deployed build #2");
    const back = await runInProcess(["project", "deploy", "--project", "seed-example", "--build", "1", "--json"], env);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ buildId: 1, status: "SUCCESS" });
    const missing = await runInProcess(["project", "deploy", "--project", "seed-example", "--build", "9"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("has no build 9");
  });

  it("downloads a build's source and prints the console URL", async () => {
    const dest = path.join(work, "download");
    const res = await runInProcess(["project", "download", "--project", "seed-example", "--build", "1", "--dest", dest], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dest, "hsproject.json"), "utf8"))).toMatchObject({ name: "seed-example", srcDir: "src" });
    expect(fs.readFileSync(path.join(dest, "src/app/app.json"), "utf8")).toBe(
      fs.readFileSync(path.join(FIXTURES, "seed-example/src/app/app.json"), "utf8"),
    );
    const open = await runInProcess(["project", "open", "--project", "seed-example"], env);
    expect(open.stdout.trim()).toBe(`${server.url}/developer-projects/${server.bootstrap.info.accountId}/project/seed-example`);
  });

  it("creates projects from the shipped templates, which upload and deploy", async () => {
    for (const template of ["getting-started", "minimal-async", "unified-app"]) {
      const name = `from-${template}`;
      // No --template: HubSpot's CLI defaults to a 2026.03 project, and so does this one.
      const created = await runInProcess(
        ["project", "create", name, ...(template === "unified-app" ? [] : ["--template", template]), "--dest", work],
        env,
      );
      expect(created.code).toBe(0);
      const up = await runInProcess(["project", "upload", path.join(work, name), "--json"], env);
      // The minimal-async template's function reads the secret GREETING, which this account does not have yet.
      expect(up.stderr.match(/ (?:error|warning) [A-Z_]+/g) ?? []).toEqual(
        template === "minimal-async" ? [" warning FUNCTION_SECRET_MISSING"] : [],
      );
      expect(JSON.parse(up.stdout).deploy.status).toBe("SUCCESS");
    }
    expect(JSON.parse(fs.readFileSync(path.join(work, "from-unified-app/hsproject.json"), "utf8")).platformVersion).toBe("2026.03");
    const greeted = await runInProcess(["function", "run", "from-unified-app-app", "greet", "--params", '{"text":"hi"}', "--json"], env);
    expect(JSON.parse(greeted.stdout).response).toEqual({ message: "The app function received: hi" });
    const unknown = await runInProcess(["project", "create", "x", "--template", "nope", "--dest", work], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("getting-started, minimal-async");
  });

  it("deletes a project only with confirmation, and then its apps are gone", async () => {
    const refused = await runCli(["project", "delete", "--project", "from-minimal-async"], env);
    expect(refused.code).toBe(2);
    const res = await runInProcess(["project", "delete", "--project", "from-minimal-async", "--force"], env);
    expect(res.code).toBe(0);
    const app = await db()
      .selectFrom("private_apps")
      .select("deleted_at")
      .where("uid", "=", "from-minimal-async-app")
      .executeTakeFirstOrThrow();
    expect(app.deleted_at).not.toBeNull();
    const again = await runInProcess(["project", "delete", "--project", "from-minimal-async", "--force"], env);
    expect(again.code).toBe(1);
  });
});
