// A 2025.2 project with an app home page, a settings page, webhooks, a workflow action and a component Sprocket does
// not run (issue #21), uploaded as HubSpot's CLI uploads it: the build succeeds with a warning, the pages are bundled
// like cards into the artifact, and the webhooks and workflow action configs are stored on the deployed app.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { loadBuildArtifact } from "../src/projects/build-artifact";
import { FIXTURES, ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let api: ProjectApi;

beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
}, 120_000);
afterAll(async () => {
  await server.stop();
});

describe("2025.2 project with pages, settings, webhooks, a workflow action and a run-less component", () => {
  it("builds with a COMPONENT_NOT_RUN warning, bundles the pages, deploys and records the features", async () => {
    const name = "hsmeta-features";
    await api.call("POST", "/developer/projects/v1", { body: { name } });
    const zip = await zipDirectory(path.join(FIXTURES, name, "src"), { ignore: hubspotUploadIgnore });
    const upload = await api.upload(name, zip, { platformVersion: "2025.2" });
    expect(upload.status, JSON.stringify(upload.body)).toBe(200);
    const build = await api.waitForBuild(name, upload.body.buildId);
    expect(build.status, JSON.stringify(build)).toBe("SUCCESS");
    expect(
      build.subbuildStatuses.map((s: { buildName: string; buildType: string; status: string }) => [s.buildName, s.buildType, s.status]),
    ).toEqual([
      ["features-app", "APPLICATION", "SUCCESS"],
      ["features-home", "PAGE", "SUCCESS"],
      ["features-settings", "SETTINGS", "SUCCESS"],
    ]);

    const warn = await api.call("GET", `/dfs/logging/v1/logs/projects/${name}/builds/${upload.body.buildId}/combined/warn`);
    expect(warn.body.logs.map((l: { message: string }) => l.message)).toEqual([
      expect.stringMatching(/^app\/scim\/scim-hsmeta\.json:3:11 COMPONENT_NOT_RUN 'scim' components are accepted but not run/),
    ]);

    const db = server.platform.store.db;
    const row = await db
      .selectFrom("builds")
      .innerJoin("projects", "projects.id", "builds.project_id")
      .select(["builds.id", "builds.account_id"])
      .where("projects.name", "=", name)
      .executeTakeFirstOrThrow();
    const files = (await loadBuildArtifact(db, row.account_id, row.id))!;
    const manifest = JSON.parse(files.get("manifest.json")!.toString());
    const app = manifest.apps[0];
    expect(app.extensions).toEqual([
      {
        uid: "features-home",
        type: "page",
        config: { entrypoint: "/app/pages/Home.tsx", location: "home" },
        bundle: "apps/features-app/extensions/features-home.js",
      },
      {
        uid: "features-settings",
        type: "settings",
        config: { entrypoint: "/app/settings/Settings.tsx" },
        bundle: "apps/features-app/extensions/features-settings.js",
      },
    ]);
    // Bundled as cards are: one classic-script IIFE reading the host's React, with @hubspot/ui-extensions inside.
    for (const ext of app.extensions) expect(files.get(ext.bundle)!.toString()).toMatch(/^\(\(\)=>\{/);
    expect(files.get("apps/features-app/extensions/features-home.js")!.toString()).toContain("Home page of account");
    expect(app.features.map((f: { type: string; uid: string }) => [f.type, f.uid])).toEqual([
      ["webhooks", "features-webhooks"],
      ["workflow-action", "features-notify"],
    ]);

    const deploy = await api.waitForDeploy(name, Number(build.deployStatusTaskLocator.id));
    expect(deploy.status).toBe("SUCCESS");
    const components = await db
      .selectFrom("app_components")
      .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
      .select(["app_components.kind", "app_components.name", "app_components.config"])
      .where("private_apps.uid", "=", "features-app")
      .orderBy("app_components.kind")
      .execute();
    expect(components.map((c) => [c.kind, c.name])).toEqual([
      ["page", "features-home"],
      ["settings", "features-settings"],
      ["webhooks", "features-webhooks"],
      ["workflow-action", "features-notify"],
    ]);
    const hooks = JSON.parse(components.find((c) => c.kind === "webhooks")!.config);
    expect(hooks.config.settings).toEqual({ targetUrl: "https://hooks.example.test/contacts", maxConcurrentRequests: 5 });

    // hs project delete lists every component it would remove, by HubSpot's type names.
    const dry = await api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: name, dryRun: true } });
    expect(dry.body.componentsToRemove.map((c: { componentType: string }) => c.componentType)).toEqual([
      "APPLICATION",
      "PAGE",
      "SETTINGS",
      "WEBHOOKS",
      "WORKFLOW_ACTION",
    ]);
  }, 300_000);
});
