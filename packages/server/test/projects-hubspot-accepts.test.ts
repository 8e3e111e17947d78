// Projects that HubSpot accepts and this validator used to refuse (issue #20), uploaded as HubSpot's CLI uploads them:
// each must build, deploy and run here unchanged.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { FIXTURES, ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let api: ProjectApi;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
}, 120_000);
afterAll(async () => {
  await server.stop();
});

/** Uploads `fixture`'s srcDir (".": the project folder itself) the way `hs project upload` does and waits for the build. */
async function upload(fixture: string, srcDir: string, platformVersion: string | undefined) {
  if ((await api.call("GET", `/developer/projects/v1/by-name/${fixture}`)).status === 404)
    await api.call("POST", "/developer/projects/v1", { body: { name: fixture } });
  const zip = await zipDirectory(path.join(FIXTURES, fixture, srcDir), { ignore: hubspotUploadIgnore });
  const res = await api.upload(fixture, zip, { platformVersion });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const build = await api.waitForBuild(fixture, res.body.buildId);
  const deploy = build.deployStatusTaskLocator ? await api.waitForDeploy(fixture, Number(build.deployStatusTaskLocator.id)) : undefined;
  return { build, deploy };
}

const cardsOf = async (appUid: string) =>
  (
    await server.platform.store.db
      .selectFrom("app_components")
      .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
      .select(["app_components.name", "app_components.build_id"])
      .where("private_apps.uid", "=", appUid)
      .where("app_components.kind", "=", "card")
      .execute()
  ).map((r) => r.name);

describe("projects HubSpot accepts deploy unchanged", () => {
  it("hubspot-lenient (no platformVersion sent, no runtime, no functions package.json, no card uid): builds, deploys and its function answers", async () => {
    const first = await upload("hubspot-lenient", "src", undefined);
    expect(first.build).toMatchObject({ status: "SUCCESS", platformVersion: "2023.1" });
    expect(first.deploy?.status).toBe("SUCCESS");
    // The card's uid is derived from its file name, the same on every upload, so its history carries over.
    expect(await cardsOf("lenient-app")).toEqual(["summary-card"]);
    const second = await upload("hubspot-lenient", "src", undefined);
    expect(second.deploy?.status).toBe("SUCCESS");
    expect(await cardsOf("lenient-app")).toEqual(["summary-card"]);

    const apps = await api.call("GET", "/api/v1/private-apps");
    const appId = apps.body.results.find((a: { uid: string }) => a.uid === "lenient-app").appId;
    const run = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
      body: { serverlessFunction: "summarize", parameters: { objectId: 7 } },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.response).toMatchObject({ summary: "Hello: this company (no domain)" });
  }, 300_000);

  it('src-dot (srcDir "."): the project folder itself is the source', async () => {
    const { build, deploy } = await upload("src-dot", ".", "2025.1");
    expect(build.status).toBe("SUCCESS");
    expect(deploy?.status).toBe("SUCCESS");
    expect(await cardsOf("src-dot-app")).toEqual(["company-summary"]);
  }, 300_000);

  it("empty-project: no components is an empty successful build", async () => {
    const { build } = await upload("empty-project", "src", "2025.1");
    expect(build.status).toBe("SUCCESS");
    expect(build.subbuildStatuses).toEqual([]);
  }, 120_000);
});
