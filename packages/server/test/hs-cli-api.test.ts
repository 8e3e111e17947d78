import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZipEntries } from "@sprocket/builder";
import { startTestServer, type TestServer } from "./support/test-server";
import { ProjectApi, zipFixtureSource } from "./support/project-api";

/** A one-file multipart body, as `hs project watch` sends each changed file. */
const fileForm = (content: string) => {
  const form = new FormData();
  form.set("file", new Blob([content]), "file");
  return form;
};

// The endpoints HubSpot's CLI calls beyond the project API, at the HTTP level, bad inputs included.
describe("HubSpot CLI endpoints", () => {
  let server: TestServer;
  let api: ProjectApi;
  let accountId: number;
  const staged = (name: string, rest: string) => `/dfs/v1/projects/${name}/builds/staged/${rest}`;
  const stagedFile = (name: string, file: string) => staged(name, `files/${file}`);

  beforeAll(async () => {
    server = await startTestServer({ demoCrm: false });
    api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    accountId = server.bootstrap.info.accountId;
    await api.call("POST", "/developer/projects/v1", { body: { name: "watched" } });
    const upload = await api.upload("watched", await zipFixtureSource("seed-example"), { platformVersion: "2023.2", skipAutoDeploy: true });
    expect(upload.status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers the alarm check with no alarms and accepts usage events, under the /<x>.com prefix and with ?portalId=", async () => {
    const alarms = await api.call("GET", `/hs.com/firealarm/v4/alarm/hubspot-cli/${accountId}?portalId=${accountId}`);
    expect(alarms).toMatchObject({ status: 200, body: [] });
    const usage = { accountId, eventName: "cli-interaction", eventClass: "INTERACTION", meta: {} };
    expect(
      (await api.call("POST", `/hs.com/content/filemapper/v1/cms-cli-usage/authenticated?portalId=${accountId}`, { body: usage })).status,
    ).toBe(204);
    const anonymous = await fetch(`${server.url}/hsqa.com/content/filemapper/v1/cms-cli-usage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(usage),
    });
    expect(anonymous.status).toBe(204);
  });

  it("refuses a portalId other than the token's account", async () => {
    const res = await api.call("GET", `/hs.com/firealarm/v4/alarm/hubspot-cli/1?portalId=${accountId + 1}`);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(`This token belongs to account ${accountId}, not ${accountId + 1}.`);
  });

  it("serves JSON Schemas of every component type HubSpot's CLI knows, and none for legacy or unknown versions", async () => {
    const res = await api.call("GET", "/project-components-external/project-schemas/v3/2025.2");
    expect(Object.keys(res.body).sort()).toEqual(
      [
        "APPLICATION",
        "API_CLIENT",
        "APP_EVENT",
        "APP_FUNCTION",
        "APP_OBJECT",
        "APP_OBJECT_ASSOCIATION",
        "CALLING",
        "CARD",
        "CRM_BULK_ACTION",
        "MARKETING_EVENT",
        "MCP_CLIENT",
        "MCP_SERVER",
        "MEDIA_BRIDGE",
        "PAGE",
        "REACT_THEME",
        "SCIM_INTEGRATION",
        "SERVERLESS_PACKAGE",
        "SETTINGS",
        "TELEMETRY_CONFIG",
        "THEME",
        "VIDEO_CONFERENCING",
        "WEBHOOKS",
        "WEBHOOKS_JOURNAL",
        "WORKFLOW_ACTION",
      ].sort(),
    );
    expect(res.body.PAGE).toMatchObject({ required: ["entrypoint"] });
    expect(res.body.WEBHOOKS).toMatchObject({ required: ["settings", "subscriptions"] });
    expect(res.body.CARD).toMatchObject({
      required: ["name", "location", "entrypoint", "objectTypes"],
      properties: { location: { enum: expect.arrayContaining(["crm.record.tab"]) } },
    });
    expect(res.body.APPLICATION.required).toEqual(["name", "auth"]);
    const legacy = await api.call("GET", "/project-components-external/project-schemas/v3/2023.2");
    expect(legacy).toMatchObject({
      status: 400,
      body: { message: "Platform version 2023.2 has no component schemas: its projects use app.json, card JSON and serverless.json." },
    });
    const unknown = await api.call("GET", "/project-components-external/project-schemas/v3/2031.01");
    expect(unknown).toMatchObject({ status: 400, body: { message: 'Unknown platform version "2031.01".' } });
  });

  it("stages a build from the latest source, changes files in it and queues it; the project is locked meanwhile", async () => {
    expect((await api.call("POST", staged("watched", "provision"))).body.message).toBe(
      'Give the platform version as ?platformVersion= (hsproject.json "platformVersion").',
    );
    const provisioned = await api.call("POST", staged("watched", "provision?platformVersion=2023.2"));
    expect(provisioned).toMatchObject({ status: 200, body: { buildId: 2 } });
    expect((await api.call("GET", "/developer/projects/v1/by-name/watched")).body).toMatchObject({
      isLocked: true,
      latestBuild: { buildId: 1 },
    });

    const again = await api.call("POST", staged("watched", "provision?platformVersion=2023.2"));
    expect(again).toMatchObject({ status: 409, body: { subCategory: "BuildPipelineErrorType.PROJECT_LOCKED" } });
    const upload = await api.upload("watched", await zipFixtureSource("seed-example"), { platformVersion: "2023.2" });
    expect(upload).toMatchObject({ status: 409, body: { subCategory: "BuildPipelineErrorType.PROJECT_LOCKED" } });

    const put = await api.call("PUT", stagedFile("watched", encodeURIComponent("app/app.functions/extra.js")), {
      form: fileForm("exports.main = async () => 1;\n"),
    });
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    expect((await api.call("PUT", stagedFile("watched", "app/notes/readme.txt"), { form: fileForm("nested path") })).status).toBe(204);
    expect((await api.call("DELETE", stagedFile("watched", encodeURIComponent("app/notes")))).status).toBe(204);
    expect((await api.call("GET", "/dfs/v1/projects/watched/builds")).body.results.map((b: { buildId: number }) => b.buildId)).toEqual([1]);

    const queued = await api.call("POST", staged("watched", "queue?platformVersion=2023.2"));
    expect(queued).toMatchObject({ status: 200, body: { buildId: 2 } });
    expect((await api.call("GET", "/developer/projects/v1/by-name/watched")).body.isLocked).toBe(false);
    const files = await readZipEntries((await api.call("GET", "/dfs/v1/projects/watched/builds/2/archive-full")).body as Buffer);
    expect(files.get("watched/src/app/app.functions/extra.js")?.toString()).toBe("exports.main = async () => 1;\n");
    expect(files.has("watched/src/app/app.json")).toBe(true);
    expect([...files.keys()].some((f) => f.includes("notes"))).toBe(false);
    expect(await api.waitForBuild("watched", 2)).toMatchObject({ status: "SUCCESS" });
  });

  it("refuses file paths that leave the source folder and PUTs without a file", async () => {
    await api.call("POST", staged("watched", "provision?platformVersion=2023.2"));
    for (const bad of ["../escape.js", "/etc/passwd", "app/../../x.js"]) {
      const res = await api.call("PUT", stagedFile("watched", encodeURIComponent(bad)), { form: fileForm("x") });
      expect(res.status, bad).toBe(400);
      expect(res.body.message).toBe(
        `Invalid file path ${JSON.stringify(bad)}: give a path relative to the project's source folder, without "..".`,
      );
    }
    const empty = new FormData();
    empty.set("note", "no file");
    expect((await api.call("PUT", stagedFile("watched", "app/a.js"), { form: empty })).body.message).toBe(
      'The upload has no "file" file field holding the project zip.',
    );
    expect((await api.call("POST", staged("watched", "cancel"))).status).toBe(204);
  });

  it("cancels a staged build, handing its number back; queue and cancel without one name the missing provision", async () => {
    const provisioned = await api.call("POST", staged("watched", "provision?platformVersion=2023.2"));
    expect(provisioned.body.buildId).toBe(3);
    expect((await api.call("POST", staged("watched", "cancel"))).status).toBe(204);
    expect((await api.call("GET", "/developer/projects/v1/by-name/watched")).body.isLocked).toBe(false);
    const cancelAgain = await api.call("POST", staged("watched", "cancel"));
    expect(cancelAgain).toMatchObject({ status: 400, body: { subCategory: "BuildPipelineErrorType.BUILD_NOT_IN_PROGRESS" } });
    const queue = await api.call("POST", staged("watched", "queue"));
    expect(queue).toMatchObject({ status: 400, body: { subCategory: "BuildPipelineErrorType.MISSING_PROJECT_PROVISION" } });
    const put = await api.call("PUT", stagedFile("watched", "app/a.js"), { form: fileForm("x") });
    expect(put).toMatchObject({ status: 400, body: { subCategory: "BuildPipelineErrorType.MISSING_PROJECT_PROVISION" } });
    expect((await api.call("POST", staged("watched", "provision?platformVersion=2023.2"))).body.buildId).toBe(3);
    await api.call("POST", staged("watched", "cancel"));
  });

  it("stages a deletion (v3): a dry run lists what is live, the real one removes it and records a finished deploy", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "never-deployed" } });
    expect(
      (await api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: "never-deployed", dryRun: true } })).body,
    ).toEqual({ componentsToRemove: [], hasDeployedComponents: false });
    // The staged build went live through auto-deploy.
    const build = await api.waitForBuild("watched", 2);
    expect(await api.waitForDeploy("watched", build.autoDeployId)).toMatchObject({ status: "SUCCESS" });

    const dry = await api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: "watched", dryRun: true } });
    expect(dry.body).toEqual({
      hasDeployedComponents: true,
      componentsToRemove: [
        { componentId: "unique-app-name", componentType: "APPLICATION" },
        { componentId: "example-card", componentType: "CARD" },
        { componentId: "myFunc", componentType: "APP_FUNCTION" },
      ],
    });
    expect((await api.call("GET", "/api/v1/private-apps")).body.results).toHaveLength(1);
    const real = await api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: "watched", dryRun: false } });
    expect(real.body).toMatchObject({ deployId: expect.any(Number), hasDeployedComponents: true });
    const status = await api.call("GET", `/dfs/deploy/v1/deploy-status/projects/watched/deploys/${real.body.deployId}`);
    expect(status.body).toMatchObject({
      status: "SUCCESS",
      subdeployStatuses: [{ deployName: "unique-app-name", action: "REMOVE", status: "SUCCESS" }],
    });
    expect((await api.call("GET", "/api/v1/private-apps")).body.results).toHaveLength(0);
    expect((await api.call("GET", "/developer/projects/v1/by-name/watched")).body.deployedBuildId).toBeUndefined();

    const bad = await api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { dryRun: true } });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringContaining("projectName") } });
  });
});
