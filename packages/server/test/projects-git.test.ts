import { createHmac } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { FIXTURES, ProjectApi } from "./support/project-api";
import { commitRepository, startGitHttpServer, type GitHttpServer } from "./support/git-http-server";

const SECRET = "a-webhook-secret-of-some-length";
let server: TestServer;
let api: ProjectApi;
let tmp: string;
let gitServer: GitHttpServer;
let repositoryUrl: string;
let commit: string;
let webhookUrl: string;

beforeAll(async () => {
  // The repository is served on loopback, which the operator allows here (by default the server refuses it).
  server = await startTestServer({ demoCrm: false, env: { SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "127.0.0.1" } });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-git-"));
  gitServer = await startGitHttpServer(tmp);
  repositoryUrl = `${gitServer.url}/crm-app.git`;
  // The project lives at the repository root: hsproject.json beside src/.
  commit = commitRepository(
    tmp,
    "crm-app",
    {
      from: path.join(FIXTURES, "minimal-async"),
      files: { "hsproject.json": JSON.stringify({ name: "linked", srcDir: "src", platformVersion: "2025.1" }) },
    },
    "First version\n\nbody",
  );

  await api.call("POST", "/developer/projects/v1", { body: { name: "linked" } });
  const link = await api.call("PUT", "/developer/projects/v1/linked/source-integration", {
    body: { repositoryUrl, branch: "main", webhookSecret: SECRET },
  });
  expect(link.status).toBe(200);
  expect(link.body.sourceIntegration).toMatchObject({ repositoryName: "crm-app", branch: "main" });
  webhookUrl = link.body.webhookUrl;
});
afterAll(async () => {
  await server.stop();
  await gitServer.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function pushEvent(ref = "refs/heads/main") {
  return JSON.stringify({
    ref,
    after: commit,
    repository: { name: "crm-app", full_name: "acme/crm-app", owner: { login: "acme" } },
    head_commit: { id: commit, message: "First version\n\nbody", author: { name: "Ada Lovelace" } },
    pusher: { name: "ada" },
  });
}
const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const post = (body: string, signature: string | undefined, event = "push") =>
  fetch(webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": event, ...(signature ? { "x-hub-signature-256": signature } : {}) },
    body,
  });

describe("git-linked builds", () => {
  it("refuses a push with a wrong or missing signature with 401 and builds nothing", async () => {
    const body = pushEvent();
    expect((await post(body, sign(body, "not-the-secret-at-all"))).status).toBe(401);
    expect((await post(body, undefined)).status).toBe(401);
    // Signed, then altered in transit.
    expect((await post(body.replace("acme", "evil"), sign(body))).status).toBe(401);
    expect((await api.call("GET", "/dfs/v1/projects/linked/builds")).body.results).toEqual([]);
  });

  it("ignores pushes to other branches and pings", async () => {
    const other = pushEvent("refs/heads/feature");
    expect(await (await post(other, sign(other))).json()).toMatchObject({ built: false });
    const ping = JSON.stringify({ zen: "hi" });
    expect(await (await post(ping, sign(ping), "ping")).json()).toMatchObject({ built: false, reason: "ping" });
    expect((await api.call("GET", "/dfs/v1/projects/linked/builds")).body.results).toEqual([]);
  });

  it("fetches the pushed commit with git, builds and deploys it, recording the commit as the build's source", async () => {
    const body = pushEvent();
    const res = await post(body, sign(body));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ built: true, buildId: 1 });
    const build = await api.waitForBuild("linked", 1);
    expect(build).toMatchObject({ status: "SUCCESS", platformVersion: "2025.1", uploadMessage: "First version" });
    expect(build.activitySource).toEqual({
      type: "GITHUB_USER",
      commitHash: commit,
      branch: "main",
      authorName: "Ada Lovelace",
      repositoryName: "crm-app",
      owner: "acme",
    });
    expect((await api.waitForDeploy("linked", build.autoDeployId)).status).toBe("SUCCESS");
    const app = await server.platform.store.db
      .selectFrom("private_apps")
      .select(["uid"])
      .where("uid", "=", "minimal-async-app")
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    expect(app).toBeDefined();
  });

  it("fails the build with git's reason when the commit cannot be fetched", async () => {
    const body = pushEvent().replaceAll(commit, "0123456789abcdef0123456789abcdef01234567");
    await post(body, sign(body));
    const build = await api.waitForBuild("linked", 2);
    expect(build.status).toBe("FAILURE");
    expect(build.subbuildStatuses[0].errorMessage).toMatch(/^git fetch failed/);
  });

  it("checks the link's URL, branch and secret", async () => {
    const bad = await api.call("PUT", "/developer/projects/v1/linked/source-integration", {
      body: { repositoryUrl: "ext::sh -c evil", branch: "main", webhookSecret: SECRET },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("repositoryUrl");
    const short = await api.call("PUT", "/developer/projects/v1/linked/source-integration", {
      body: { repositoryUrl, branch: "main", webhookSecret: "short" },
    });
    expect(short.body.message).toContain("at least 16");
    const unknown = await fetch(`${server.url}/git-webhooks/v1/projects/99999`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(unknown.status).toBe(404);
  });
});
