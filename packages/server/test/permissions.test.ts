import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { ProjectApi, zipFixtureSource, type ApiResponse } from "./support/project-api";
import { createPersonalAccessKey } from "../src/accounts/access-keys";
import { hashPassword } from "../src/crypto/password";
import type { Role } from "../src/accounts/account-service";

/** F5: the plain `user` role cannot change what runs (upload, deploy, git, delete, secrets); admins can. */
let server: TestServer;
let admin: Member;
let plain: Member;
let zip: Buffer;

interface Member {
  api: ProjectApi;
  session: { cookie: string; csrf: string };
}

async function member(role: Role, label: string): Promise<Member> {
  const p = server.platform;
  const accountId = server.bootstrap.info.accountId;
  const email = `${label}-${Date.now()}@perm.test`;
  const password = `${label}-password-1`;
  const { id } = await p.store.db
    .insertInto("users")
    .values({
      email,
      password_hash: await hashPassword(password, p.config.passwordHashCost),
      first_name: label,
      last_name: "Member",
      created_at: p.clock.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await p.store.db.insertInto("memberships").values({ account_id: accountId, user_id: id, role }).execute();
  const key = await createPersonalAccessKey(p, accountId, id, "cli");
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { csrfToken: string };
  return {
    api: new ProjectApi(server.url, key.key),
    session: { cookie: res.headers.getSetCookie()[0]!.split(";")[0]!, csrf: body.csrfToken },
  };
}

async function viaSession(m: Member, method: string, url: string, body?: unknown): Promise<ApiResponse> {
  const res = await fetch(server.url + url, {
    method,
    headers: {
      cookie: m.session.cookie,
      "x-csrf-token": m.session.csrf,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const expectRefused = (res: ApiResponse) => {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body).toMatchObject({
    status: "error",
    category: "USER_DOES_NOT_HAVE_PERMISSIONS",
    message: expect.stringContaining("Only admins"),
  });
  expect(res.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
};

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  zip = await zipFixtureSource("minimal-async");
  admin = await member("admin", "admin");
  plain = await member("user", "plain");
});
afterAll(async () => {
  await server.stop();
});

describe("the develop permission", () => {
  it("refuses a `user` upload with HubSpot's 403 while an admin's upload builds", async () => {
    expect((await admin.api.call("POST", "/developer/projects/v1", { body: { name: "perm-app" } })).status).toBe(201);
    expectRefused(await plain.api.upload("perm-app", zip, { platformVersion: "2025.1" }));
    const upload = await admin.api.upload("perm-app", zip, { platformVersion: "2025.1", skipAutoDeploy: true });
    expect(upload.status, JSON.stringify(upload.body)).toBe(200);
    expect((await admin.api.waitForBuild("perm-app", upload.body.buildId)).status).toBe("SUCCESS");
    // Nothing the refused upload could have left behind: the admin's build is the project's first.
    expect(upload.body.buildId).toBe(1);
  });

  it("refuses a `user` deploy (v1 and v3, CLI and console) while an admin's deploy goes through", async () => {
    expectRefused(await plain.api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: "perm-app", buildId: 1 } }));
    expectRefused(
      await plain.api.call("POST", "/dfs/deploy/v3/deploys/queue/async", { body: { projectName: "perm-app", targetBuildId: 1 } }),
    );
    expectRefused(await viaSession(plain, "POST", "/dfs/deploy/v1/deploys/queue/async", { projectName: "perm-app", buildId: 1 }));
    const deploy = await admin.api.call("POST", "/dfs/deploy/v1/deploys/queue/async", { body: { projectName: "perm-app", buildId: 1 } });
    expect(deploy.status, JSON.stringify(deploy.body)).toBe(200);
    expect((await admin.api.waitForDeploy("perm-app", deploy.body.id)).status).toBe("SUCCESS");
  });

  it("refuses `user` secret changes and listing while an admin manages them", async () => {
    expectRefused(await plain.api.call("POST", "/cms/v3/functions/secrets", { body: { key: "PERM_SECRET", secret: "v" } }));
    expectRefused(await viaSession(plain, "GET", "/cms/v3/functions/secrets"));
    expectRefused(await plain.api.call("DELETE", "/cms/v3/functions/secrets/PERM_SECRET"));
    expect((await admin.api.call("POST", "/cms/v3/functions/secrets", { body: { key: "PERM_SECRET", secret: "v" } })).status).toBe(201);
    expect((await admin.api.call("GET", "/cms/v3/functions/secrets")).body.results).toContain("PERM_SECRET");
    expect((await admin.api.call("DELETE", "/cms/v3/functions/secrets/PERM_SECRET")).status).toBe(204);
  });

  it("refuses `user` git link and unlink, project creation, settings and deletion while an admin does them", async () => {
    const link = { repositoryUrl: "https://git.example/acme/app.git", branch: "main", webhookSecret: "0123456789abcdef-webhook" };
    expectRefused(await viaSession(plain, "PUT", "/developer/projects/v1/perm-app/source-integration", link));
    expectRefused(await plain.api.call("PUT", "/developer/projects/v1/perm-app/source-integration", { body: link }));
    const linked = await admin.api.call("PUT", "/developer/projects/v1/perm-app/source-integration", { body: link });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expectRefused(await plain.api.call("DELETE", "/developer/projects/v1/perm-app/source-integration"));
    expect((await admin.api.call("DELETE", "/developer/projects/v1/perm-app/source-integration")).status).toBe(204);

    expectRefused(await plain.api.call("POST", "/developer/projects/v1", { body: { name: "perm-new" } }));
    expect((await admin.api.call("POST", "/developer/projects/v1", { body: { name: "perm-new" } })).status).toBe(201);
    expectRefused(await plain.api.call("PUT", "/developer/projects/v1/perm-new/settings", { body: { isAutoDeployEnabled: false } }));
    expectRefused(await viaSession(plain, "DELETE", "/developer/projects/v1/perm-new"));
    expect((await admin.api.call("DELETE", "/developer/projects/v1/perm-new")).status).toBe(204);
  });

  it("refuses the `hs` CLI's staged builds and project deletion to a `user`, not to an admin", async () => {
    expectRefused(await plain.api.call("POST", "/dfs/v1/projects/perm-app/builds/staged/provision?platformVersion=2025.2"));
    expectRefused(await plain.api.call("POST", "/dfs/v1/projects/perm-app/builds/staged/queue"));
    expectRefused(await plain.api.call("POST", "/dfs/v1/projects/perm-app/builds/staged/cancel"));
    expectRefused(await plain.api.call("DELETE", "/dfs/v1/projects/perm-app/builds/staged/files/x.json"));
    expectRefused(await plain.api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: "perm-app", dryRun: true } }));
    const dry = await admin.api.call("POST", "/dfs/deploy/v3/deploys/delete", { body: { projectName: "perm-app", dryRun: true } });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
  });

  it("still lets a `user` read projects and builds (reading is not deploying)", async () => {
    expect((await plain.api.call("GET", "/developer/projects/v1")).status).toBe(200);
    expect((await plain.api.call("GET", "/dfs/v1/projects/perm-app/builds")).status).toBe(200);
  });
});
