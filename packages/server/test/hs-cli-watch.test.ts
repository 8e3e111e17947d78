import { appendFile } from "node:fs/promises";
import path from "node:path";
import { readZipEntries } from "@sprocket/builder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { FIXTURES, ProjectApi } from "./support/project-api";
import { HsCli, outputMatching } from "./support/hs-cli";

// `hs project watch` (legacy projects): staged builds filled file by file, queued after the CLI's 2 s debounce.
describe("hs project watch against Sprocket", { timeout: 180_000 }, () => {
  let server: TestServer;
  let hs: HsCli;
  let api: ProjectApi;

  beforeAll(async () => {
    server = await startTestServer({ env: { SPROCKET_HTTPS_PORT: "0" } });
    hs = await HsCli.for(server);
    api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  });
  afterAll(async () => {
    await hs?.dispose();
    await server?.stop();
  });

  it("builds and deploys each change through a staged build, and cancels the open one on quit", async () => {
    const dir = await hs.copyProject(path.join(FIXTURES, "seed-example"));
    const first = await hs.run(["project", "upload", "--force"], dir);
    expect(first.code, first.output).toBe(0);

    const watch = hs.start(["project", "watch"], dir);
    try {
      await outputMatching(watch, /Press q to quit watching/);
      expect((await api.call("GET", "/developer/projects/v1/by-name/seed-example")).body.isLocked).toBe(true);

      await appendFile(path.join(dir, "src/app/app.functions/example-function.js"), "// changed while watching\n");
      const output = await outputMatching(watch, /Deployed build #2 in seed-example[\s\S]*Resuming watcher/);
      expect(output).toContain("Built seed-example #2");
      const project = await api.call("GET", "/developer/projects/v1/by-name/seed-example");
      expect(project.body).toMatchObject({ deployedBuildId: 2, isLocked: true });
      const source = await readZipEntries((await api.call("GET", "/dfs/v1/projects/seed-example/builds/2/archive-full")).body as Buffer);
      expect(source.get("seed-example/src/app/app.functions/example-function.js")!.toString()).toMatch(/\/\/ changed while watching\n$/);
    } finally {
      watch.kill("SIGINT");
    }
    expect(await new Promise((resolve) => watch.on("close", resolve))).toBe(0);
    const after = await api.call("GET", "/developer/projects/v1/by-name/seed-example");
    expect(after.body).toMatchObject({ isLocked: false, latestBuild: { buildId: 2 } });
    expect((await api.call("GET", "/dfs/v1/projects/seed-example/builds")).body.results.map((b: { buildId: number }) => b.buildId)).toEqual(
      [2, 1],
    );
  });
});
