// App home pages and settings pages in Chromium: the console renders the app's `page` (location home) full-width at
// /app/:account/:app, reached from the navigation and the app list, and its `settings` component in the app's
// Settings tab; the home page reads its backend (a local receiver) with hubspot.fetch, the settings page raises an
// alert and calls runServerlessFunction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { deployProject, launchChromium, SHARED_PROJECTS, signedInPage } from "./fixtures/card-projects";

let server: TestServer;
let browser: Browser;
let receiver: http.Server;
let workDir: string;
let appId: number;
const asked: { path: string; body: string; params: Record<string, string> }[] = [];

beforeAll(async () => {
  // The receiver listens on loopback: the operator setting lets extensions reach it.
  server = await startTestServer({ env: { SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url!, `http://${req.headers.host}`);
      asked.push({ path: url.pathname, body: Buffer.concat(chunks).toString("utf8"), params: Object.fromEntries(url.searchParams) });
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ status: `all good for ${url.searchParams.get("userEmail")}` }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The fixture names https://backend.example; this copy names the receiver instead.
  workDir = mkdtempSync(path.join(os.tmpdir(), "sprocket-app-pages-"));
  cpSync(path.join(SHARED_PROJECTS, "app-pages"), workDir, { recursive: true });
  for (const file of ["src/app/app-hsmeta.json", "src/app/pages/backend.ts"]) {
    const at = path.join(workDir, file);
    writeFileSync(at, readFileSync(at, "utf8").replaceAll("https://backend.example", origin));
  }
  await deployProject(new ProjectApi(server.url, server.bootstrap.info.personalAccessKey), workDir);
  appId = (await server.platform.store.db.selectFrom("private_apps").select("id").where("uid", "=", "pages-app").executeTakeFirstOrThrow())
    .id;
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("app home and settings pages", () => {
  it("renders the home page from the navigation, with the viewer's context and its backend's answer through hubspot.fetch", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const { page, errors, close } = await signedInPage(browser, server.url, superAdmin);
    await page.goto(`/contacts/${accountId}/objects/0-1`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pages app" }).click();
    expect(new URL(page.url()).pathname).toBe(`/app/${accountId}/${appId}`);
    const home = page.getByRole("region", { name: "Pages app home" });
    await home.getByRole("heading", { name: "Pages app home" }).waitFor();
    await home.getByText(`Signed in as ${superAdmin.email} in account ${accountId}.`).waitFor();
    await home.getByText(`Backend status: all good for ${superAdmin.email}`).waitFor();
    expect(errors).toEqual([]);
    await close();
    expect(asked).toEqual([
      {
        path: "/api/status",
        body: JSON.stringify({ page: "home" }),
        params: expect.objectContaining({ appId: String(appId), portalId: String(accountId) }),
      },
    ]);

    // The call is a FETCH event of the home page, in location home, with no record.
    await expect
      .poll(async () => {
        await server.platform.logs.flush();
        return server.platform.store.db
          .selectFrom("extension_events")
          .select(["kind", "location", "object_id"])
          .where("card_uid", "=", "pages-home")
          .where("kind", "in", ["FETCH", "RENDER_SUCCESS"])
          .orderBy("kind")
          .execute();
      })
      .toEqual([
        { kind: "FETCH", location: "home", object_id: null },
        { kind: "RENDER_SUCCESS", location: "home", object_id: null },
      ]);
  });

  it("links the home page from the app list, and shows the settings page in the app's Settings tab, whose actions and function calls work", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const { page, errors, close } = await signedInPage(browser, server.url, superAdmin);
    await page.goto(`/private-apps/${accountId}`);
    await page.getByRole("link", { name: "Pages app home" }).click();
    await page.getByRole("region", { name: "Pages app home" }).getByText(`Signed in as ${superAdmin.email}`).waitFor();

    await page.goto(`/private-apps/${accountId}/${appId}/overview`);
    await page.getByRole("tab", { name: "Settings" }).click();
    expect(new URL(page.url()).pathname).toBe(`/private-apps/${accountId}/${appId}/settings`);
    const settings = page.getByRole("region", { name: "Pages app settings" });
    await settings.getByText(`Settings of the Pages app for account ${accountId}.`).waitFor();
    await settings.getByText("Record on this page: none").waitFor();
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByRole("alert").filter({ hasText: "Settings saved." }).waitFor();
    // runServerlessFunction reaches the app function invoker as from a card; a 2025.2 app has no functions to run.
    await settings.getByRole("button", { name: "Sync now" }).click();
    await settings.getByText(`Sync: ERROR: App ${appId} has no function "sync" (its functions: none).`, { exact: false }).waitFor();
    // The invoker's 404 is the page's one failed request (Chromium logs every 4xx); nothing else went wrong.
    expect(errors).toEqual(["Failed to load resource: the server responded with a status of 404 (Not Found)"]);
    await close();
  });
});
