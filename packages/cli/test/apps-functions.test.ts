import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { ProjectApi } from "../../server/test/support/project-api";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { runCli, runInProcess } from "./run-cli";
import { createTestApp } from "../../server/test/support/test-apps";
import { createAccount } from "../../server/src/accounts/account-service";
import { checkAuthorize, grantInstall } from "../../server/src/oauth/oauth-service";

const PROJECT = path.resolve(import.meta.dirname, "../../server/test/fixtures/functions-project");

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await api.call("POST", "/developer/projects/v1", { body: { name: "functions-suite" } });
  const upload = await api.upload("functions-suite", await zipDirectory(path.join(PROJECT, "src"), { ignore: hubspotUploadIgnore }), {
    platformVersion: "2025.1",
  });
  const build = await api.waitForBuild("functions-suite", upload.body.buildId);
  await api.waitForDeploy("functions-suite", Number(build.deployStatusTaskLocator.id));
  env = { SPROCKET_CONFIG_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-")), "config.yml") };
  const auth = await runInProcess(["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey], env);
  expect(auth.code).toBe(0);
}, 240_000);
afterAll(async () => {
  await server.stop();
});

describe("sprocket apps, secrets and function run", () => {
  it("lists apps, shows and rotates a token, and the old token stops working", async () => {
    const list = JSON.parse((await runInProcess(["apps", "list", "--json"], env)).stdout);
    expect(list).toMatchObject({
      limit: 20,
      count: 1,
      results: [{ uid: "functions-suite", projectName: "functions-suite", activeBuildNumber: 1 }],
    });
    // The table names the project and its build number, as `project list-builds` does.
    const table = (await runInProcess(["apps", "list"], env)).stdout;
    expect(table).toMatch(/│ functions-suite\s+│ Functions suite\s+│ functions-suite\s+│ #1\s+│/);
    const shown = (await runInProcess(["apps", "token", "show", "functions-suite"], env)).stdout.trim();
    expect(shown).toMatch(/^pat-na1-/);
    const rotated = JSON.parse((await runInProcess(["apps", "token", "rotate", "functions-suite", "--json"], env)).stdout);
    expect(rotated.token).not.toBe(shown);
    const usage = (token: string) =>
      fetch(`${server.url}/account-info/v3/api-usage/daily/private-apps`, { headers: { authorization: `Bearer ${token}` } });
    expect((await usage(shown)).status).toBe(401);
    expect((await usage(rotated.token)).status).toBe(200);
  });

  it("adds a secret from standard input, never echoing it, and the function reads it", async () => {
    const add = await runCli(["secrets", "add", "GREETING"], env, "Hej\n");
    expect(add.code).toBe(0);
    expect(add.stdout + add.stderr).not.toContain("Hej");
    const list = JSON.parse((await runInProcess(["secrets", "list", "--json"], env)).stdout);
    expect(list.results).toEqual(["GREETING"]);
    const res = await runInProcess(["function", "run", "functions-suite", "echo", "--params", '{"text":"cli"}', "--json"], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).response).toMatchObject({ parameters: { text: "cli" }, greeting: "Hej" });
  });

  it("prints a failed run's message and trace id and exits 1", async () => {
    const res = await runInProcess(["function", "run", "functions-suite", "fail"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("the lookup service said no");
    expect(res.stderr).toMatch(/Trace ID: [0-9a-f]{32}/);
  });

  it("refuses bad --params with exit 2 and deletes an app only with --force when not interactive", async () => {
    expect((await runInProcess(["function", "run", "functions-suite", "echo", "--params", "{nope"], env)).code).toBe(2);
    expect((await runCli(["apps", "delete", "functions-suite"], env)).code).toBe(2);
    const deleted = await runInProcess(["apps", "delete", "functions-suite", "--force", "--json"], env);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ uid: "functions-suite" });
    expect((await runInProcess(["apps", "token", "show", "functions-suite"], env)).code).toBe(1);
  });
});

describe("sprocket apps installs and connected-apps", () => {
  it("shows the developer an OAuth app's installs; the installed account lists it and uninstalls it", async () => {
    const { appId } = await createTestApp(server.platform, server.bootstrap.info.accountId, {
      uid: "cli-oauth",
      scopes: ["crm.objects.contacts.read"],
      app: { name: "CLI OAuth app", oauth: { distribution: "private", redirectUrls: ["http://localhost:3000/cb"] }, optionalScopes: [] },
    });
    const customer = await createAccount(server.platform, {
      name: "CLI customer",
      admin: { email: "owner@cli-customer.example", password: "cli-customer-password-1" },
    });
    const row = await server.platform.store.db
      .selectFrom("private_apps")
      .select("client_id")
      .where("id", "=", appId)
      .executeTakeFirstOrThrow();
    const checked = await checkAuthorize(server.platform, {
      clientId: row.client_id!,
      redirectUri: "http://localhost:3000/cb",
      scope: "crm.objects.contacts.read",
    });
    const ownerId = (await userIdOf("owner@cli-customer.example"))!;
    await grantInstall(server.platform, checked, customer.accountId, { userId: ownerId, label: "owner", address: null });

    const installs = JSON.parse((await runInProcess(["apps", "installs", "cli-oauth", "--json"], env)).stdout);
    expect(installs.results).toEqual([
      expect.objectContaining({ accountId: customer.accountId, accountName: "CLI customer", scopes: ["crm.objects.contacts.read"] }),
    ]);

    const customerEnv = { SPROCKET_CONFIG_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-")), "config.yml") };
    expect(
      (await runInProcess(["auth", "--server", server.url, "--personal-access-key", customer.personalAccessKey], customerEnv)).code,
    ).toBe(0);
    const listed = await runInProcess(["connected-apps", "list"], customerEnv);
    expect(listed.stdout).toContain("CLI OAuth app");
    expect(listed.stdout).toContain("owner@cli-customer.example");
    // Not interactive: it asks for --force rather than uninstalling unasked.
    expect((await runCli(["connected-apps", "uninstall", String(appId)], customerEnv)).code).toBe(2);
    expect((await runInProcess(["connected-apps", "uninstall", "no-such-app", "--force"], customerEnv)).stderr).toContain("CLI OAuth app");
    const removed = await runInProcess(["connected-apps", "uninstall", "CLI OAuth app", "--force", "--json"], customerEnv);
    expect(JSON.parse(removed.stdout)).toMatchObject({ uninstalled: appId });
    expect((await runInProcess(["connected-apps", "list"], customerEnv)).stdout).toContain("No apps are installed in this account.");
  });
});

async function userIdOf(email: string): Promise<number | undefined> {
  const user = await server.platform.store.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  return user?.id;
}
