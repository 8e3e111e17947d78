import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { ProjectApi, zipFixtureSource } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";
import { createTestApp } from "./support/test-apps";
import { openEventStream } from "./support/event-stream";

let server: TestServer;
let api: ProjectApi;

beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await api.call("POST", "/developer/projects/v1", { body: { name: "seed-example" } });
  const upload = await api.upload("seed-example", await zipFixtureSource("seed-example"), { platformVersion: "2023.2" });
  const build = await api.waitForBuild("seed-example", upload.body.buildId);
  expect(build.status).toBe("SUCCESS");
  await api.waitForDeploy("seed-example", Number(build.deployStatusTaskLocator.id));
}, 240_000);
afterAll(async () => {
  await server.stop();
});

describe("record cards", () => {
  it("lists the seed's card on contacts, by type id or name, and not on companies", async () => {
    const byId = await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1");
    expect(byId.body.results).toEqual([
      expect.objectContaining({
        appUid: "unique-app-name",
        cardUid: "example-card",
        title: "Example card",
        location: "crm.record.tab",
        objectTypes: ["contacts"],
      }),
    ]);
    expect((await api.call("GET", "/api/v1/record-cards?objectType=CONTACT")).body.results).toHaveLength(1);
    expect((await api.call("GET", "/api/v1/record-cards?objectTypeId=0-2")).body.results).toEqual([]);
    expect((await api.call("GET", "/api/v1/record-cards")).status).toBe(400);
  });

  it("serves the card's bundle: an IIFE on the host's React and RemoteUI globals, cacheable by build", async () => {
    const [card] = (await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1")).body.results;
    const res = await api.call("GET", card.bundleUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("cache-control")).toContain("immutable");
    const source = res.body.toString("utf8");
    expect(source).toContain("RemoteUI");
    expect(source).not.toMatch(/\brequire\(/);
  });

  it("does not serve one account's bundle to another", async () => {
    const [card] = (await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1")).body.results;
    const other = await createAccount(server.platform, { name: "Other", admin: { email: `other-${Date.now()}@x.test` } });
    const otherApi = new ProjectApi(server.url, other.personalAccessKey);
    expect((await otherApi.call("GET", card.bundleUrl)).status).toBe(404);
    expect((await otherApi.call("GET", "/api/v1/record-cards?objectTypeId=0-1")).body.results).toEqual([]);
    expect((await fetch(server.url + card.bundleUrl)).status).toBe(401);
  });

  it("tells an open record page when an app of its account goes live with another build or goes away", async () => {
    const { accountId } = server.bootstrap.info;
    const { appId } = await createTestApp(server.platform, accountId, { scopes: [] });
    const stream = await openEventStream(`${server.url}/api/v1/record-cards/stream`, { authorization: `Bearer ${await api.bearer()}` });
    try {
      await stream.until(": watching live builds");
      // Another account's deploy is not this page's business; this account's is, as is the app's removal.
      await server.platform.cluster.announceDeploy({ accountId: accountId + 1000, appId, buildId: 7, previousBuildId: 1 });
      await server.platform.cluster.announceDeploy({ accountId, appId, buildId: 2, previousBuildId: 1 });
      expect((await api.call("DELETE", `/api/v1/private-apps/${appId}`)).status).toBe(204);
      const text = await stream.until(`"buildId":null`);
      const events = text
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => JSON.parse(l.slice(6)));
      expect(events).toEqual([
        { appId, buildId: 2, previousBuildId: 1 },
        { appId, buildId: null, previousBuildId: 1 },
      ]);
      expect(text).toContain("event: build");
    } finally {
      stream.close();
    }
  });
});
