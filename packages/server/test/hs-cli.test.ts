import path from "node:path";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { readZipEntries } from "@sprocket/builder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { deployProjectDir, FIXTURES, ProjectApi } from "./support/project-api";
import { HsCli, outputMatching } from "./support/hs-cli";

const HS_2025_2 = path.join(import.meta.dirname, "fixtures/hs-2025-2-project");

// Checks that build on each other form a chain (a describe whose tests run in order). The chains share nothing but the
// server (each has its own project, or the account's secrets), so they run at the same time: an `hs` call is mostly the
// CLI loading itself (seconds of CPU) and waiting on the server, and the calls one after another took minutes.
const chain = (name: string, tests: () => void) => describe(name, { concurrent: true }, tests);

// HubSpot's own CLI (@hubspot/cli, run as a child process) against a real server over HTTPS; each call takes seconds,
// and the chains' calls share the machine's cores: a generous limit, for hangs only.
describe("HubSpot's hs CLI against Sprocket", { timeout: 600_000 }, () => {
  let server: TestServer;
  let hs: HsCli;
  let api: ProjectApi;
  let seed: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { SPROCKET_HTTPS_PORT: "0" } });
    hs = await HsCli.for(server);
    api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    seed = await hs.copyProject(path.join(FIXTURES, "seed-example"));
  });
  afterAll(async () => {
    await hs?.dispose();
    await server?.stop();
  });

  chain("seed-example: upload, upload again, deploy an older build, list, download", () => {
    it.sequential("uploads seed-example (2023.2): creates the project, builds it and deploys it", async () => {
      const res = await hs.run(["project", "upload", "--force", "-m", "first upload"], seed);
      expect(res.code, res.output).toBe(0);
      expect(res.output).toContain("New project seed-example successfully created");
      expect(res.output).toContain("Built seed-example #1");
      expect(res.output).toContain("Deployed build #1 in seed-example");
      const project = await api.call("GET", "/developer/projects/v1/by-name/seed-example");
      expect(project.body).toMatchObject({
        deployedBuildId: 1,
        latestBuild: { buildId: 1, status: "SUCCESS", uploadMessage: "first upload" },
      });
    });

    it.sequential("deploys build 1 again after build 2 went live, and lists both builds", async () => {
      const second = await hs.run(["project", "upload", "-m", "second upload"], seed);
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("Deployed build #2 in seed-example");

      const redeploy = await hs.run(["project", "deploy", "--build", "1"], seed);
      expect(redeploy.code, redeploy.output).toBe(0);
      expect(redeploy.output).toContain("Deployed build #1 in seed-example");
      expect((await api.call("GET", "/developer/projects/v1/by-name/seed-example")).body.deployedBuildId).toBe(1);

      const list = await hs.run(["project", "list-builds"], seed);
      expect(list.code, list.output).toBe(0);
      expect(list.output).toMatch(/#2\s.*SUCCESS/);
      expect(list.output).toMatch(/#1 \[deployed\]\s.*SUCCESS/);
    });

    it.sequential("downloads a build into <dest>/<project>", async () => {
      const res = await hs.run(
        ["project", "download", "--project", "seed-example", "--build", "2", "--dest", path.join(hs.home, "download")],
        hs.home,
      );
      expect(res.code, res.output).toBe(0);
      const dest = path.join(hs.home, "download", "seed-example");
      const config = JSON.parse(await readFile(path.join(dest, "hsproject.json"), "utf8"));
      expect(config).toEqual({ name: "seed-example", srcDir: "src", platformVersion: "2023.2" });
      expect(await readFile(path.join(dest, "src/app/app.json"), "utf8")).toBe(
        await readFile(path.join(FIXTURES, "seed-example/src/app/app.json"), "utf8"),
      );
    });
  });

  chain("a 2025.2 project: upload, then delete", () => {
    it.sequential("uploads a 2025.2 project (*-hsmeta.json app, card and function) through the new upload API and deploys it", async () => {
      const dir = await hs.copyProject(HS_2025_2);
      const res = await hs.run(["project", "upload", "--force"], dir);
      expect(res.code, res.output).toBe(0);
      expect(res.output).toContain("Deployed build #1 in hs-2025-2-project");
      const apps = await api.call("GET", "/api/v1/private-apps");
      expect(JSON.stringify(apps.body)).toContain("quote_helper");
    });

    it.sequential("deletes a 2025.2 project: removes its deployed components, then the project", async () => {
      const res = await hs.run(["project", "delete", "--project-name", "hs-2025-2-project", "--force"], hs.home);
      expect(res.code, res.output).toBe(0);
      expect(res.output).toMatch(/quote_helper \(App\)/);
      expect(res.output).toContain("Deleted project hs-2025-2-project");
      expect((await api.call("GET", "/developer/projects/v1/by-name/hs-2025-2-project")).status).toBe(404);
      expect(JSON.stringify((await api.call("GET", "/api/v1/private-apps")).body)).not.toContain("quote_helper");
    });
  });

  chain("hsmeta-features, then a 2025.2 config refused before uploading", () => {
    it.sequential(
      "uploads a 2025.2 project with an app home page, settings, webhooks, a workflow action and scim: its Ajv check passes on the served schemas",
      async () => {
        const dir = await hs.copyProject(path.join(FIXTURES, "hsmeta-features"));
        const res = await hs.run(["project", "upload", "--force"], dir);
        expect(res.code, res.output).toBe(0);
        expect(res.output).toContain("Deployed build #1 in hsmeta-features");
      },
    );

    it.sequential("checks 2025.2 configs against Sprocket's schemas before uploading", async () => {
      const dir = await hs.copyProject(HS_2025_2);
      const cardFile = path.join(dir, "src/app/cards/quote-card-hsmeta.json");
      const card = JSON.parse(await readFile(cardFile, "utf8"));
      card.config.location = "crm.record.middle";
      delete card.config.objectTypes;
      await writeFile(cardFile, JSON.stringify(card));
      const res = await hs.run(["project", "upload", "--force"], dir);
      expect(res.code).toBe(1);
      expect(res.output).toContain("quote-card-hsmeta.json");
      expect(res.output).toContain("config.location");
      expect(res.output).toContain("crm.record.sidebar");
      expect(res.output).toContain("Missing required field: 'config.objectTypes'");
    });
  });

  chain("seed-verbatim", () => {
    it.sequential("prints the validator's located message when seed-verbatim is refused", async () => {
      const dir = await hs.copyProject(path.join(FIXTURES, "seed-verbatim"));
      const res = await hs.run(["project", "upload", "--force"], dir);
      expect(res.code).toBe(1);
      expect(res.output).toContain("Build #1 failed");
      expect(res.output).toMatch(/app\/app\.json:\d+:\d+ FIELD_EMPTY .*at \/scopes\/0/);
    });
  });

  // `hs project watch` (legacy projects): staged builds filled file by file, queued after the CLI's 2 s debounce. It
  // shares this file's server rather than starting one in a file of its own (a worker's imports and a server start).
  chain("watch", () => {
    it.sequential("hs project watch builds and deploys each change through a staged build, and cancels the open one on quit", async () => {
      const dir = await hs.copyProject(path.join(FIXTURES, "seed-example"));
      // A project and app uid of its own: the first chain deploys seed-example's app uid in the same account.
      await writeFile(path.join(dir, "hsproject.json"), JSON.stringify({ name: "seed-watch", srcDir: "src", platformVersion: "2023.2" }));
      const appFile = path.join(dir, "src/app/app.json");
      await writeFile(appFile, JSON.stringify({ ...JSON.parse(await readFile(appFile, "utf8")), uid: "seed-watch-app" }));
      // Build #1 through the API: the upload is the first chain's subject, and an `hs` start costs seconds of CPU.
      await deployProjectDir(api, dir);

      const watch = hs.start(["project", "watch"], dir);
      try {
        await outputMatching(watch, /Press q to quit watching/);
        expect((await api.call("GET", "/developer/projects/v1/by-name/seed-watch")).body.isLocked).toBe(true);

        await appendFile(path.join(dir, "src/app/app.functions/example-function.js"), "// changed while watching\n");
        const output = await outputMatching(watch, /Deployed build #2 in seed-watch[\s\S]*Resuming watcher/);
        expect(output).toContain("Built seed-watch #2");
        const project = await api.call("GET", "/developer/projects/v1/by-name/seed-watch");
        expect(project.body).toMatchObject({ deployedBuildId: 2, isLocked: true });
        const source = await readZipEntries((await api.call("GET", "/dfs/v1/projects/seed-watch/builds/2/archive-full")).body as Buffer);
        expect(source.get("seed-watch/src/app/app.functions/example-function.js")!.toString()).toMatch(/\/\/ changed while watching\n$/);
      } finally {
        watch.kill("SIGINT");
      }
      expect(await new Promise((resolve) => watch.on("close", resolve))).toBe(0);
      const after = await api.call("GET", "/developer/projects/v1/by-name/seed-watch");
      expect(after.body).toMatchObject({ isLocked: false, latestBuild: { buildId: 2 } });
      expect((await api.call("GET", "/dfs/v1/projects/seed-watch/builds")).body.results.map((b: { buildId: number }) => b.buildId)).toEqual(
        [2, 1],
      );
    });
  });

  chain("secrets", () => {
    it.sequential("adds, lists and deletes secrets", async () => {
      const add = await hs.run(["secrets", "add", "QUOTE_API_KEY"], hs.home, "s3cret\n");
      expect(add.code, add.output).toBe(0);
      expect(add.output).toContain('The secret "QUOTE_API_KEY" was added');
      const list = await hs.run(["secrets", "list"], hs.home);
      expect(list.output).toContain("QUOTE_API_KEY");
      const del = await hs.run(["secrets", "delete", "QUOTE_API_KEY", "--force"], hs.home);
      expect(del.code, del.output).toBe(0);
      // The list `hs secrets list` prints, read from the server: the listing's output is checked above, and a third
      // `hs` start here would cost seconds of CPU to check the same server answer.
      expect((await api.call("GET", "/cms/v3/functions/secrets")).body.results).not.toContain("QUOTE_API_KEY");
    });
  });
});
