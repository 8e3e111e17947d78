// The review's F2 replayed in Chromium: account A's super admin, signed in to the console, opens account B's endpoint
// page. The page's script must not run (CSP sandbox) and its Set-Cookie must not land.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createAccount } from "../../packages/server/src/accounts/account-service";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { ENDPOINTS_PROJECT, deployProjectDir } from "../../packages/server/test/support/endpoint-project";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { launchChromium, signedInPage } from "./fixtures/card-projects";

let server: TestServer;
let browser: Browser;
let attacker: number;

beforeAll(async () => {
  server = await startTestServer();
  const b = await createAccount(server.platform, { name: "Attacker", admin: { email: `attacker-${Date.now()}@example.com` } });
  attacker = b.accountId;
  await deployProjectDir(new ProjectApi(server.url, b.personalAccessKey), ENDPOINTS_PROJECT);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server.stop();
});

describe("an endpoint page opened by a signed-in console user", () => {
  it("runs no script and plants no cookie", async () => {
    const { superAdmin } = server.bootstrap.info;
    const { page, close } = await signedInPage(browser, server.url, { email: superAdmin.email, password: superAdmin.password });
    try {
      // Chromium says so on the console when the sandbox stops the page's inline script: the event to wait for.
      const blocked = page.waitForEvent("console", { predicate: (m) => /sandboxed|allow-scripts/i.test(m.text()) });
      const res = await page.goto(`${server.functionsUrl}/${attacker}/_hcms/api/atk/page`);
      expect(res?.status()).toBe(200);
      expect((await blocked).text()).toMatch(/allow-scripts/);
      expect(await page.title()).toBe("");
      const cookies = await page.context().cookies();
      expect(cookies.map((c) => c.name)).not.toContain("planted");
      expect(cookies.map((c) => c.name)).toContain("sprocket_session");
    } finally {
      await close();
    }
  });
});
