// How the CLI keeps its credentials: the config file's mode, no redirects, a fresh token after a revoked one.
import fs from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { runCli, runInProcess } from "./run-cli";

let server: TestServer;
let key: string;
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-cred-"));

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  key = server.bootstrap.info.personalAccessKey;
});
afterAll(async () => {
  await server.stop();
});

describe("the config file", () => {
  it("is 0600 after sign-in even when a 0644 file was there, and a folder the CLI creates is 0700", async () => {
    const dir = tempDir();
    const preexisting = path.join(dir, "shared", "config.yml");
    fs.mkdirSync(path.dirname(preexisting), { mode: 0o755 });
    fs.chmodSync(path.dirname(preexisting), 0o755);
    fs.writeFileSync(preexisting, "accounts: []\n", { mode: 0o644 });
    fs.chmodSync(preexisting, 0o644);
    const res = await runInProcess(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo"], {
      SPROCKET_CONFIG_PATH: preexisting,
    });
    expect(res.stderr).toBe("");
    expect(mode(preexisting)).toBe(0o600);
    expect(YAML.parse(fs.readFileSync(preexisting, "utf8")).accounts[0].personalAccessKey).toBe(key);
    // A folder the user chose, which existed before (it may be shared, like /tmp), keeps its mode; no temp file stays.
    expect(mode(path.dirname(preexisting))).toBe(0o755);
    expect(fs.readdirSync(path.dirname(preexisting))).toEqual(["config.yml"]);

    const created = path.join(dir, "new", "nested", "config.yml");
    expect(
      (
        await runInProcess(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo"], {
          SPROCKET_CONFIG_PATH: created,
        })
      ).code,
    ).toBe(0);
    expect(mode(created)).toBe(0o600);
    expect(mode(path.dirname(created))).toBe(0o700);
    expect(mode(path.join(dir, "new"))).toBe(0o700);
  });

  it("tightens ~/.sprocket to 0700 and its 0644 config to 0600", async () => {
    const home = tempDir();
    const folder = path.join(home, ".sprocket");
    fs.mkdirSync(folder, { mode: 0o755 });
    fs.chmodSync(folder, 0o755);
    fs.writeFileSync(path.join(folder, "config.yml"), "accounts: []\n", { mode: 0o644 });
    fs.chmodSync(path.join(folder, "config.yml"), 0o644);
    const res = await runCli(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo"], {
      HOME: home,
      SPROCKET_CONFIG_PATH: undefined,
    });
    expect(res.stderr).toBe("");
    expect(mode(folder)).toBe(0o700);
    expect(mode(path.join(folder, "config.yml"))).toBe(0o600);
  });
});

interface Listener {
  server: Server;
  url: string;
  requests: { method: string; url: string; body: string }[];
}

async function listen(
  answer: (request: IncomingMessage, body: string) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<Listener> {
  const requests: Listener["requests"] = [];
  const http = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      requests.push({ method: request.method ?? "", url: request.url ?? "", body });
      const { status, headers, body: out } = answer(request, body);
      response.writeHead(status, headers).end(out);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { server: http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, requests };
}

const close = (listener: Listener) => new Promise((resolve) => listener.server.close(resolve));

describe("redirects", () => {
  it("refuses a 307 on the key exchange: the key never reaches the host it points to", async () => {
    const elsewhere = await listen(() => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" }));
    const redirecting = await listen((request) => ({ status: 307, headers: { location: `${elsewhere.url}${request.url}` } }));
    try {
      const config = path.join(tempDir(), "config.yml");
      const res = await runInProcess(["auth", "--server", redirecting.url, "--personal-access-key", "spk_SECRET_redirected"], {
        SPROCKET_CONFIG_PATH: config,
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(
        `The server at ${redirecting.url} redirected POST /localdevauth/v1/auth/refresh (HTTP 307) to ${elsewhere.url}/localdevauth/v1/auth/refresh.`,
      );
      expect(redirecting.requests).toHaveLength(1);
      expect(elsewhere.requests).toEqual([]);
      expect(fs.existsSync(config)).toBe(false);
    } finally {
      await close(redirecting);
      await close(elsewhere);
    }
  });
});

describe("a revoked bearer token", () => {
  it("is exchanged again once, and the command succeeds", async () => {
    const config = path.join(tempDir(), "config.yml");
    expect(
      (
        await runInProcess(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo"], {
          SPROCKET_CONFIG_PATH: config,
        })
      ).code,
    ).toBe(0);
    const cached = YAML.parse(fs.readFileSync(config, "utf8")).accounts[0].auth.tokenInfo.accessToken as string;
    // As when another session revoked the key's tokens (review-2 M1): the cached token answers 401 from now on.
    await server.platform.store.db.deleteFrom("developer_tokens").execute();

    const res = await runInProcess(["apps", "list", "--json"], { SPROCKET_CONFIG_PATH: config });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ results: expect.any(Array) });
    const renewed = YAML.parse(fs.readFileSync(config, "utf8")).accounts[0].auth.tokenInfo.accessToken as string;
    expect(renewed).not.toBe(cached);
  });

  it("reports the second 401: a revoked key is not exchanged again and again", async () => {
    const config = path.join(tempDir(), "config.yml");
    expect(
      (
        await runInProcess(["auth", "--server", server.url, "--personal-access-key", key, "--name", "demo"], {
          SPROCKET_CONFIG_PATH: config,
        })
      ).code,
    ).toBe(0);
    const [row] = await server.platform.store.db.selectFrom("personal_access_keys").select("id").where("revoked_at", "is", null).execute();
    await server.platform.store.db.updateTable("personal_access_keys").set({ revoked_at: Date.now() }).where("id", "=", row!.id).execute();
    await server.platform.store.db.deleteFrom("developer_tokens").execute();

    const res = await runInProcess(["apps", "list"], { SPROCKET_CONFIG_PATH: config });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("The personal access key is unknown or has been revoked.");
    await server.platform.store.db.updateTable("personal_access_keys").set({ revoked_at: null }).where("id", "=", row!.id).execute();
  });
});
