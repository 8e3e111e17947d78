// App home pages and settings pages: listed per account for the console, their bundles served like cards', and
// hubspot.fetch accepted from them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { createAccount } from "../src/accounts/account-service";
import { deployProjectDir, ProjectApi } from "./support/project-api";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let api: ProjectApi;
let appId: number;

beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProjectDir(api, path.join(PROJECTS_DIR, "app-pages"));
  appId = (await server.platform.store.db.selectFrom("private_apps").select("id").where("uid", "=", "pages-app").executeTakeFirstOrThrow())
    .id;
}, 240_000);
afterAll(async () => {
  await server.stop();
});

describe("app pages", () => {
  it("lists the app's home page and settings page of its live build, with who views them", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const res = await api.call("GET", `/api/v1/app-pages?appId=${appId}`);
    expect(res.status).toBe(200);
    const build = res.body.results[0].buildId;
    expect(res.body.results).toEqual([
      {
        appId,
        appName: "Pages app",
        appUid: "pages-app",
        buildId: build,
        uid: "pages-home",
        type: "page",
        location: "home",
        bundleUrl: `/api/v1/card-bundles/${appId}/${build}/pages-home.js`,
      },
      {
        appId,
        appName: "Pages app",
        appUid: "pages-app",
        buildId: build,
        uid: "pages-settings",
        type: "settings",
        location: "settings",
        bundleUrl: `/api/v1/card-bundles/${appId}/${build}/pages-settings.js`,
      },
    ]);
    expect(res.body.user).toMatchObject({ email: superAdmin.email });
    expect(res.body.portal).toMatchObject({ id: accountId });
    expect((await api.call("GET", "/api/v1/app-pages")).body.results).toHaveLength(2);
    expect((await api.call("GET", `/api/v1/app-pages?appId=${appId + 1000}`)).body.results).toEqual([]);
    const bad = await api.call("GET", "/api/v1/app-pages?appId=pages-app");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"pages-app" is not an app id');
  });

  it("serves both bundles: IIFEs on the host's React and RemoteUI globals", async () => {
    const { results } = (await api.call("GET", `/api/v1/app-pages?appId=${appId}`)).body as { results: { bundleUrl: string }[] };
    for (const page of results) {
      const res = await api.call("GET", page.bundleUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/javascript");
      expect(res.body.toString("utf8")).toContain("RemoteUI");
    }
  });

  it("does not list or serve one account's pages to another, nor to nobody", async () => {
    const { results } = (await api.call("GET", `/api/v1/app-pages?appId=${appId}`)).body as { results: { bundleUrl: string }[] };
    const other = await createAccount(server.platform, { name: "Other", admin: { email: `other-pages-${Date.now()}@x.test` } });
    const otherApi = new ProjectApi(server.url, other.personalAccessKey);
    expect((await otherApi.call("GET", "/api/v1/app-pages")).body.results).toEqual([]);
    expect((await otherApi.call("GET", `/api/v1/app-pages?appId=${appId}`)).body.results).toEqual([]);
    for (const page of results) {
      expect((await otherApi.call("GET", page.bundleUrl)).status).toBe(404);
      expect((await fetch(server.url + page.bundleUrl)).status).toBe(401);
    }
    expect((await fetch(`${server.url}/api/v1/app-pages`)).status).toBe(401);
  });

  it("takes hubspot.fetch from a page or settings uid of the app, and no other", async () => {
    // A URL outside permittedUrls.fetch: the proxy got as far as the app's list, so it knew the page.
    for (const [cardUid, location] of [
      ["pages-home", "home"],
      ["pages-settings", "settings"],
    ]) {
      const res = await api.call("POST", `/api/v1/card-fetch/${appId}`, {
        body: { cardUid, location, url: "https://elsewhere.example/x" },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain("permittedUrls.fetch lists https://backend.example/api");
    }
    const unknown = await api.call("POST", `/api/v1/card-fetch/${appId}`, {
      body: { cardUid: "no-such-page", location: "home", url: "https://backend.example/api/status" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain("no deployed card or page no-such-page");
  });
});
