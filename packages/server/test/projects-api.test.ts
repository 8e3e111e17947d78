import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/index";
import { startTestServer, type TestServer } from "./support/test-server";
import { ProjectApi } from "./support/project-api";

let server: TestServer;
let api: ProjectApi;
let other: ProjectApi;
beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  const second = await createAccount(server.platform, { name: "Other", admin: { email: "other@sprocket.local" } });
  other = new ProjectApi(server.url, second.personalAccessKey);
});
afterAll(async () => {
  await server.stop();
});

describe("developer/projects/v1", () => {
  it("creates a project and returns HubSpot's Project shape, by name and in the list", async () => {
    const created = await api.call("POST", "/developer/projects/v1", { body: { name: "crm-tools" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      name: "crm-tools",
      portalId: server.bootstrap.info.accountId,
      isLocked: false,
    });
    expect(created.body.latestBuild).toBeUndefined();
    const byName = await api.call("GET", "/developer/projects/v1/by-name/crm-tools");
    expect(byName.body).toMatchObject({ id: created.body.id, name: "crm-tools" });
    const list = await api.call("GET", "/developer/projects/v1");
    expect(list.body.results.map((p: { name: string }) => p.name)).toContain("crm-tools");
    // The /hs.com prefix of HubSpot's CLI reaches the same routes.
    expect((await api.call("GET", "/hs.com/developer/projects/v1/by-name/crm-tools")).status).toBe(200);
  });

  it("refuses a duplicate name with 409 and a bad name with 400", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "dup" } });
    const again = await api.call("POST", "/developer/projects/v1", { body: { name: "dup" } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: "error", category: "CONFLICT" });
    const bad = await api.call("POST", "/developer/projects/v1", { body: { name: "../etc" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("Invalid project name");
    const missing = await api.call("POST", "/developer/projects/v1", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.category).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for a project that does not exist, which is how the CLI knows to create it", async () => {
    const res = await api.call("GET", "/developer/projects/v1/by-name/nope");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" });
  });

  it("keeps each account's projects to itself", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "private-one" } });
    expect((await other.call("GET", "/developer/projects/v1/by-name/private-one")).status).toBe(404);
    expect((await other.call("GET", "/developer/projects/v1")).body.results).toEqual([]);
    expect((await other.call("DELETE", "/developer/projects/v1/private-one")).status).toBe(404);
    // The same name is free in another account.
    expect((await other.call("POST", "/developer/projects/v1", { body: { name: "private-one" } })).status).toBe(201);
  });

  it("reads and switches the auto-deploy setting", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "settings-demo" } });
    expect((await api.call("GET", "/developer/projects/v1/settings-demo/settings")).body).toEqual({ isAutoDeployEnabled: true });
    const off = await api.call("PUT", "/developer/projects/v1/settings-demo/settings", { body: { isAutoDeployEnabled: false } });
    expect(off.body).toEqual({ isAutoDeployEnabled: false });
    expect((await api.call("GET", "/developer/projects/v1/settings-demo/settings")).body).toEqual({ isAutoDeployEnabled: false });
    const bad = await api.call("PUT", "/developer/projects/v1/settings-demo/settings", { body: { isAutoDeployEnabled: "yes" } });
    expect(bad.status).toBe(400);
  });

  it("deletes a project", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "short-lived" } });
    expect((await api.call("DELETE", "/developer/projects/v1/short-lived")).status).toBe(204);
    expect((await api.call("GET", "/developer/projects/v1/by-name/short-lived")).status).toBe(404);
  });

  it("requires the developer bearer token", async () => {
    const res = await fetch(`${server.url}/developer/projects/v1`);
    expect(res.status).toBe(401);
  });

  it("serves the platform versions and component schemas the CLI asks for", async () => {
    const versions = await api.call("GET", "/developer/projects/v1/platformVersion");
    expect(versions.body.activePlatformVersions).toContain("2025.2");
    const schemas = await api.call("GET", "/project-components-external/project-schemas/v3/2025.2");
    expect(schemas.body).toMatchObject({ APPLICATION: { type: "object" }, CARD: { type: "object" }, APP_FUNCTION: { type: "object" } });
  });
});
