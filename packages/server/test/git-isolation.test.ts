import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readZipEntries } from "@sprocket/builder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { FIXTURES, ProjectApi } from "./support/project-api";
import { commitRepository, signedPush, startGitHttpServer, startRedirectServer, type GitHttpServer } from "./support/git-http-server";

// Security review F3 (a checkout's symbolic links reach the host) and F14 (git fetches any URL from the server).
const SECRET = "a-webhook-secret-of-some-length";
const HOST_SECRET = `root-only-secret-${process.pid}`;

let tmp: string;
let hostDir: string;
let gitServer: GitHttpServer;
const minimal = (srcDir = "src") => ({
  from: path.join(FIXTURES, "minimal-async"),
  files: { "hsproject.json": JSON.stringify({ name: "gitproj", srcDir, platformVersion: "2025.1" }) },
});

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-git-iso-"));
  // A folder of the host the server can read and a tenant must not: the report's ~/.ssh stand-in.
  hostDir = path.join(tmp, "host-only");
  fs.mkdirSync(hostDir, { mode: 0o700 });
  fs.writeFileSync(path.join(hostDir, "id_rsa"), HOST_SECRET, { mode: 0o600 });
  fs.mkdirSync(path.join(tmp, "repos"));
  gitServer = await startGitHttpServer(path.join(tmp, "repos"));
});
afterAll(async () => {
  await gitServer.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Links a new project to `repositoryUrl`, pushes `commit` and waits for the build. */
async function buildFrom(server: TestServer, api: ProjectApi, name: string, repositoryUrl: string, commit: string) {
  await api.call("POST", "/developer/projects/v1", { body: { name } });
  const link = await api.call("PUT", `/developer/projects/v1/${name}/source-integration`, {
    body: { repositoryUrl, branch: "main", webhookSecret: SECRET },
  });
  expect(link.status, JSON.stringify(link.body)).toBe(200);
  const push = signedPush(commit, SECRET);
  const res = await fetch(link.body.webhookUrl, { method: "POST", headers: push.headers, body: push.body });
  const { buildId } = (await res.json()) as { buildId: number };
  const build = await api.waitForBuild(name, buildId);
  const archive = await api.call("GET", `/dfs/v1/projects/${name}/builds/${buildId}/archive-full`);
  expect(JSON.stringify(build)).not.toContain(path.join(os.tmpdir(), "sprocket-git-"));
  return { build, archive };
}

/** The archive's JSON error, or every file in its zip, as one text to search. */
async function archiveText(archive: { body: unknown }): Promise<string> {
  if (!Buffer.isBuffer(archive.body)) return JSON.stringify(archive.body);
  return [...(await readZipEntries(archive.body)).entries()].map(([file, content]) => `${file}\n${content.toString()}`).join("\n");
}

describe("a git-linked build reads nothing outside its checkout (F3)", () => {
  let server: TestServer;
  let api: ProjectApi;
  let repos: string;
  beforeAll(async () => {
    // The operator allows the loopback git server by name, as for an internal git host.
    server = await startTestServer({ demoCrm: false, env: { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "localhost" } });
    api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    repos = path.join(tmp, "repos");
  });
  afterAll(() => server.stop());
  const url = (name: string) => `http://localhost:${gitServer.port}/${name}.git`;

  it("fails a srcDir that is a symbolic link to a host folder, and archive-full has no host file", async () => {
    const commit = commitRepository(repos, "evil", {
      files: { "hsproject.json": JSON.stringify({ name: "gitproj", srcDir: "src", platformVersion: "2025.1" }) },
      links: { src: hostDir },
    });
    const { build, archive } = await buildFrom(server, api, "evil", url("evil"), commit);
    expect(await archiveText(archive)).not.toContain(HOST_SECRET);
    expect(build.status).toBe("FAILURE");
    expect(build.subbuildStatuses[0].errorMessage).toMatch(/srcDir "src" is not a folder/);
    expect(archive.status).toBe(404);
  });

  it("keeps a symbolic link inside srcDir as a plain file holding the link's text, never the file it points at", async () => {
    const tree = minimal();
    const commit = commitRepository(repos, "inner", {
      ...tree,
      links: { "src/leak.txt": path.join(hostDir, "id_rsa"), "src/app/leak-dir": hostDir },
    });
    const { archive } = await buildFrom(server, api, "inner", url("inner"), commit);
    expect(archive.status).toBe(200);
    const entries = await readZipEntries(archive.body as Buffer);
    expect(entries.get("inner/src/leak.txt")?.toString()).toBe(path.join(hostDir, "id_rsa"));
    expect(entries.get("inner/src/app/leak-dir")?.toString()).toBe(hostDir);
    expect(await archiveText(archive)).not.toContain(HOST_SECRET);
  });

  it("refuses a srcDir that climbs out of the repository", async () => {
    const commit = commitRepository(repos, "climb", minimal("../.."));
    const { build, archive } = await buildFrom(server, api, "climb", url("climb"), commit);
    expect(build.status).toBe("FAILURE");
    expect(build.subbuildStatuses[0].errorMessage).toContain('srcDir must name a folder inside the repository (got "../..")');
    expect(archive.status).toBe(404);
  });

  it("does not follow a redirect from the linked host to one the operator did not allow", async () => {
    const commit = commitRepository(repos, "target", minimal());
    const redirect = await startRedirectServer(`${gitServer.url}/target.git`);
    const before = gitServer.requests.length;
    try {
      const { build } = await buildFrom(server, api, "redirected", `http://localhost:${redirect.port}/target.git`, commit);
      expect(build.status).toBe("FAILURE");
      expect(redirect.requests.length).toBeGreaterThan(0);
      expect(gitServer.requests.length).toBe(before);
    } finally {
      await redirect.close();
    }
  });

  it("checks the host again right before fetching, so a link that has since become private is not fetched", async () => {
    const commit = commitRepository(repos, "later", minimal());
    await api.call("POST", "/developer/projects/v1", { body: { name: "later" } });
    const link = await api.call("PUT", "/developer/projects/v1/later/source-integration", {
      body: { repositoryUrl: url("later"), branch: "main", webhookSecret: SECRET },
    });
    // What a DNS answer that changed after linking amounts to: the stored URL now leads to a host nobody allowed.
    await server.platform.store.db
      .updateTable("projects")
      .set({ git_url: `http://127.0.0.1:${gitServer.port}/later.git` })
      .where("name", "=", "later")
      .execute();
    const before = gitServer.requests.length;
    const push = signedPush(commit, SECRET);
    const { buildId } = (await (await fetch(link.body.webhookUrl, { method: "POST", headers: push.headers, body: push.body })).json()) as {
      buildId: number;
    };
    const build = await api.waitForBuild("later", buildId);
    expect(build.status).toBe("FAILURE");
    expect(build.subbuildStatuses[0].errorMessage).toMatch(/127\.0\.0\.1 is a loopback address.*SPROCKET_GIT_ALLOW_PRIVATE_HOSTS/);
    expect(gitServer.requests.length).toBe(before);
  });

  it("runs git without the server user's configuration: a global insteadOf rewrite in HOME is not used", async () => {
    const commit = commitRepository(repos, "real", minimal());
    const home = path.join(tmp, "server-home");
    fs.mkdirSync(home, { recursive: true });
    // If git read this, the link to a missing repository would quietly fetch another one.
    fs.writeFileSync(path.join(home, ".gitconfig"), `[url "${url("real")}"]\n\tinsteadOf = ${url("missing")}\n`);
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    try {
      const { build } = await buildFrom(server, api, "rewritten", url("missing"), commit);
      expect(build.status).toBe("FAILURE");
      expect(build.subbuildStatuses[0].errorMessage).toMatch(/^git fetch failed/);
    } finally {
      // Assigning undefined to process.env stores the string "undefined": a later Chromium in this worker then wrote
      // its crash reports to ./undefined/chromium.
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
  it("runs git with only its own environment, and as an unprivileged user when the server is root", async () => {
    const commit = commitRepository(repos, "observed", minimal());
    // A `git` first on PATH that writes down who runs it and with what environment, then runs the real one.
    const bin = path.join(tmp, "bin");
    const log = path.join(tmp, "git-runs.log");
    fs.mkdirSync(bin, { mode: 0o755 });
    fs.writeFileSync(log, "", { mode: 0o666 });
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(log, 0o666);
    const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    fs.writeFileSync(
      path.join(bin, "git"),
      `#!/bin/sh\n{ echo "uid=$(id -u) args=$*"; env; echo ---; } >> ${log}\nexec ${realGit} "$@"\n`,
      { mode: 0o755 },
    );
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    process.env.SPROCKET_CANARY = "server-only";
    try {
      const { build } = await buildFrom(server, api, "observed", url("observed"), commit);
      expect(build.status).toBe("SUCCESS");
    } finally {
      process.env.PATH = savedPath;
      delete process.env.SPROCKET_CANARY;
    }
    const runs = fs.readFileSync(log, "utf8").split("---\n").filter(Boolean);
    const command = (run: string) =>
      run
        .split("\n")[0]!
        .replace(/^uid=\d+ args=/, "")
        .replace(/^(-c \S+ ?)*/, "")
        .split(" ")[0];
    expect(runs.map(command)).toEqual(["init", "fetch", "checkout"]);
    for (const run of runs) {
      const env = Object.fromEntries(
        run
          .split("\n")
          .slice(1)
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      expect(env).toMatchObject({
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_TERMINAL_PROMPT: "0",
        GIT_SSH_COMMAND: "false",
        GIT_ALLOW_PROTOCOL: "http",
      });
      expect(env.HOME).not.toBe(os.homedir());
      expect(env.SPROCKET_CANARY).toBeUndefined();
      expect(run).toContain("core.symlinks=false");
      if (process.getuid?.() === 0) expect(run.split(" ")[0]).toBe("uid=65534");
    }
  });
});

describe("by default a repository URL must be a public https, http or git:// address (F14)", () => {
  let server: TestServer;
  let api: ProjectApi;
  beforeAll(async () => {
    server = await startTestServer({ demoCrm: false });
    api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    await api.call("POST", "/developer/projects/v1", { body: { name: "linked" } });
  });
  afterAll(() => server.stop());
  const link = (repositoryUrl: string) =>
    api.call("PUT", "/developer/projects/v1/linked/source-integration", { body: { repositoryUrl, branch: "main", webhookSecret: SECRET } });

  it.each([
    ["http://127.0.0.1:9419/evil.git", "loopback"],
    [`http://localhost:${9419}/evil.git`, "loopback"],
    ["git://127.0.0.1:9419/evil.git", "loopback"],
    ["https://10.0.0.5/acme/app.git", "private"],
    ["https://192.168.1.10/acme/app.git", "private"],
    ["https://100.64.0.1/acme/app.git", "carrier-grade NAT"],
    ["https://169.254.10.10/acme/app.git", "link-local"],
    ["https://0.0.0.0/acme/app.git", "unspecified"],
    ["https://[::1]/acme/app.git", "loopback"],
    ["https://[fd12::1]/acme/app.git", "private"],
    ["https://[fe80::1]/acme/app.git", "link-local"],
    ["https://[::ffff:127.0.0.1]/acme/app.git", "loopback"],
  ])("refuses %s with a 400 naming the setting", async (url, kind) => {
    const res = await link(url);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`${kind} address`);
    expect(res.body.message).toContain("SPROCKET_GIT_ALLOW_PRIVATE_HOSTS");
    expect(res.body.errors[0]).toMatchObject({ in: "repositoryUrl" });
  });

  it.each(["http://169.254.169.254/latest/meta-data.git", "https://[fd00:ec2::254]/x.git"])(
    "refuses the metadata address %s",
    async (url) => {
      const res = await link(url);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain("cloud metadata address");
    },
  );

  it.each([
    "file:///var/lib/sprocket/repo.git",
    "ssh://git@github.com/acme/app.git",
    "git@github.com:acme/app.git",
    "ext::sh -c evil",
    "https://github.com\\@127.0.0.1/acme/app.git",
    "http://2130706433/acme/app.git",
    "http://0x7f.1/acme/app.git",
    "ftp://example.com/app.git",
  ])("refuses the transport or shape of %s", async (url) => {
    const res = await link(url);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^repositoryUrl must be an https:\/\/, http:\/\/ or git:\/\/ URL/);
  });

  it("keeps the project unlinked after a refused link", async () => {
    expect((await link("http://127.0.0.1/evil.git")).status).toBe(400);
    const project = await api.call("GET", "/developer/projects/v1/by-name/linked");
    expect(project.status).toBe(200);
    expect(project.body.name).toBe("linked");
    expect(project.body.sourceIntegration).toBeUndefined();
  });
});
