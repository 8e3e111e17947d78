import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { runCli, runInProcess } from "./run-cli";

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-"));
  env = { SPROCKET_CONFIG_PATH: path.join(dir, "config.yml") };
});
afterAll(async () => {
  await server.stop();
});

describe("sprocket auth and accounts", () => {
  it("signs in with the key printed at first start and lists the account", async () => {
    const key = server.bootstrap.info.personalAccessKey;
    const auth = await runInProcess(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo", "--json"], env);
    expect(auth.stderr).toBe("");
    expect(auth.code).toBe(0);
    expect(JSON.parse(auth.stdout)).toMatchObject({ name: "demo", accountId: server.bootstrap.info.accountId });
    const config = fs.readFileSync(env.SPROCKET_CONFIG_PATH!, "utf8");
    expect(config).toContain("personalAccessKey");
    expect(fs.statSync(env.SPROCKET_CONFIG_PATH!).mode & 0o777).toBe(0o600);

    const list = await runInProcess(["accounts", "list", "--json"], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({
      defaultAccount: "demo",
      accounts: [{ name: "demo", accountId: server.bootstrap.info.accountId, server: server.url, default: true }],
    });
  });

  it("reads the key from standard input when it is not given", async () => {
    const res = await runCli(
      ["auth", "--server", server.url, "--name", "piped", "--json"],
      env,
      server.bootstrap.info.personalAccessKey + "\n",
    );
    expect(res.code).toBe(0);
    const use = await runInProcess(["accounts", "use", "piped"], env);
    expect(use.code).toBe(0);
    expect(JSON.parse((await runInProcess(["accounts", "list", "--json"], env)).stdout).defaultAccount).toBe("piped");
  });

  it("fails with exit 1 and the server's message for a wrong key", async () => {
    const res = await runCli(["auth", "--server", server.url, "--personal-access-key", "spk_wrong"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("personal access key is unknown");
  });

  it("fails with exit 1 and says so when the server is not running", async () => {
    const res = await runCli(["auth", "--server", "http://127.0.0.1:9", "--personal-access-key", "x"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Cannot reach the Sprocket server");
  });

  it("exits 2 on usage errors", async () => {
    expect((await runCli(["auth"], env)).code).toBe(2);
    expect((await runCli(["no-such-command"], env)).code).toBe(2);
    expect((await runCli(["auth", "--server", "not a url", "--personal-access-key", "x"], env)).code).toBe(2);
    expect((await runCli(["accounts", "use", "nobody"], env)).code).toBe(1);
  });

  it("creates an account for operators, printing the bootstrap fields", async () => {
    const res = await runCli(["admin", "create-account", "--name", "Ops test", "--data-dir", server.db.dataDir, "--json"], {
      ...env,
      ...(server.db.databaseUrl ? { SPROCKET_DATABASE_URL: server.db.databaseUrl } : {}),
    });
    expect(res.stderr).toBe("");
    const created = JSON.parse(res.stdout);
    expect(created).toMatchObject({
      accountId: expect.any(Number),
      consoleUrl: expect.any(String),
      superAdmin: { email: expect.any(String), password: expect.any(String) },
    });
    const auth = await runCli(["auth", "--server", server.url, "--personal-access-key", created.personalAccessKey, "--json"], env);
    expect(JSON.parse(auth.stdout).accountId).toBe(created.accountId);
  });

  it("prints help and version with exit 0", async () => {
    const help = await runCli(["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("server");
    const version = await runCli(["--version"], env);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
