// Dev sessions on the server (`sprocket project dev` and `hs project dev`): what record pages load while one is open,
// and that a save makes no build.
import path from "node:path";
import { readdir, readFile } from "node:fs/promises";
import { zipEntries } from "@sprocket/builder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { deployProjectDir, FIXTURES, ProjectApi } from "./support/project-api";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";
import { openEventStream } from "./support/event-stream";

const PROJECT = path.join(FIXTURES, "hs-dev-card");
const CARD = "app/cards/GreetingCard.jsx";
const clock = manualClock();
let server: TestServer;
let api: ProjectApi;
let sources: Map<string, Buffer>;

/** The fixture's srcDir, zipped as the CLI does, with `change` applied to the card's source. */
async function zipSources(change: (card: string) => string = (card) => card): Promise<Buffer> {
  return zipEntries([...sources].map(([file, bytes]) => [file, file === CARD ? change(bytes.toString("utf8")) : bytes] as const));
}

async function push(sessionId: number, zip: Buffer, changed?: string[]) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), "src.zip");
  form.set("platformVersion", "2025.2");
  if (changed) form.set("changed", JSON.stringify(changed));
  return api.call("POST", `/api/v1/dev-sessions/${sessionId}/sources`, { form });
}

const contactCards = async () => (await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1")).body;

beforeAll(async () => {
  server = await startTestServer({ clock });
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProjectDir(api, PROJECT);
  const src = path.join(PROJECT, "src");
  const files = (await readdir(src, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  sources = new Map(
    await Promise.all(
      files.map(
        async (f) => [path.relative(src, path.join(f.parentPath, f.name)), await readFile(path.join(f.parentPath, f.name))] as const,
      ),
    ),
  );
}, 240_000);
afterAll(async () => {
  await server?.stop();
});

describe("sprocket dev sessions", () => {
  it("serve pushed bundles in place of the build's, rebuild only what a save read, make no build, and end on close", async () => {
    const opened = await api.call("POST", "/api/v1/projects/hs-dev-card/dev-sessions");
    expect(opened.status).toBe(201);
    const { sessionId } = opened.body;

    const first = await push(sessionId, await zipSources());
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.bundles).toEqual([{ appUid: "dev_loop_app", uid: "greeting_card", version: 1, changed: true }]);
    const [card] = (await contactCards()).results;
    expect(card).toMatchObject({ buildId: 1, devSessionId: sessionId });
    expect(card.bundleUrl).toMatch(new RegExp(`^/api/v1/dev-session-bundles/${sessionId}/\\d+/greeting_card/1\\.js$`));
    expect((await api.call("GET", card.bundleUrl)).body.toString("utf8")).toContain("from the deployed card.");

    // A save the card never read rebuilds nothing.
    expect((await push(sessionId, await zipSources(), ["app/app-hsmeta.json"])).body.bundles).toEqual([]);

    const stream = await openEventStream(`${server.url}/api/v1/record-cards/stream`, { authorization: `Bearer ${await api.bearer()}` });
    try {
      await stream.until(": watching live builds");
      const saved = await push(sessionId, await zipSources((s) => s.replace("from the deployed card.", "from the session.")), [CARD]);
      expect(saved.body.bundles).toEqual([{ appUid: "dev_loop_app", uid: "greeting_card", version: 2, changed: true }]);
      expect(await stream.until(`"sessionId":${sessionId}`)).toContain("event: dev");
    } finally {
      stream.close();
    }
    const [saved] = (await contactCards()).results;
    expect(saved.bundleUrl).toMatch(/\/greeting_card\/2\.js$/);
    expect((await api.call("GET", saved.bundleUrl)).body.toString("utf8")).toContain("from the session.");
    expect((await api.call("GET", "/dfs/v1/projects/hs-dev-card/builds")).body.results.map((b: { buildId: number }) => b.buildId)).toEqual([
      1,
    ]);

    // A save that does not compile is refused in the project's terms; the session keeps serving the last good bundle.
    const broken = await push(sessionId, await zipSources((s) => s.replace("<Text>", "<Text")), [CARD]);
    expect(broken.status).toBe(400);
    expect(broken.body.message).toContain("app/cards/GreetingCard.jsx:4:");
    expect(broken.body.message).not.toMatch(/\/tmp\/|\(build\)|dev-\d+-/);
    expect((await contactCards()).results[0].bundleUrl).toBe(saved.bundleUrl);

    // Another account sees neither the session's bundle nor may push into it.
    const other = await createAccount(server.platform, { name: "Other", admin: { email: `dev-other-${Date.now()}@x.test` } });
    const otherApi = new ProjectApi(server.url, other.personalAccessKey);
    expect((await otherApi.call("GET", saved.bundleUrl)).status).toBe(404);
    expect((await otherApi.call("POST", `/api/v1/dev-sessions/${sessionId}/heartbeat`)).status).toBe(404);

    expect((await api.call("DELETE", `/api/v1/dev-sessions/${sessionId}`)).status).toBe(204);
    const [after] = (await contactCards()).results;
    expect(after.bundleUrl).toMatch(/^\/api\/v1\/card-bundles\//);
    expect(after.devSessionId).toBeUndefined();
    expect((await api.call("GET", saved.bundleUrl)).status).toBe(404);
    const late = await push(sessionId, await zipSources(), [CARD]);
    expect(late.status).toBe(409);
    expect(late.body.message).toContain("has ended");
    // The build history's one entry for the session: two pushes changed the card (the first one and the save).
    const history = await api.call("GET", "/api/v1/projects/hs-dev-card/dev-sessions");
    expect(history.body.results).toEqual([
      expect.objectContaining({ sessionId, status: "ENDED", saves: 2, userEmail: server.bootstrap.info.superAdmin.email }),
    ]);
  });

  it("stop serving once no heartbeat came for two minutes", async () => {
    const { sessionId } = (await api.call("POST", "/api/v1/projects/hs-dev-card/dev-sessions")).body;
    expect((await push(sessionId, await zipSources())).status).toBe(200);
    clock.advance(60_000);
    expect((await api.call("POST", `/api/v1/dev-sessions/${sessionId}/heartbeat`)).status).toBe(200);
    clock.advance(119_000);
    expect((await contactCards()).results[0].devSessionId).toBe(sessionId);
    clock.advance(2_000);
    expect((await contactCards()).results[0].devSessionId).toBeUndefined();
    expect((await api.call("POST", `/api/v1/dev-sessions/${sessionId}/heartbeat`)).status).toBe(409);
    // The next session of the account clears the expired one's bundles.
    const next = (await api.call("POST", "/api/v1/projects/hs-dev-card/dev-sessions")).body.sessionId;
    const left = await server.platform.store.db.selectFrom("dev_session_bundles").select("session_id").execute();
    expect(left.map((b) => Number(b.session_id))).not.toContain(sessionId);
    expect((await api.call("DELETE", `/api/v1/dev-sessions/${next}`)).status).toBe(204);
  });

  it("refuse a project that was never deployed, and a session id that is not a number", async () => {
    await api.call("POST", "/developer/projects/v1", { body: { name: "never-deployed" } });
    const refused = await api.call("POST", "/api/v1/projects/never-deployed/dev-sessions");
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("has no deployed build");
    expect((await api.call("POST", "/api/v1/dev-sessions/abc/heartbeat")).status).toBe(400);
  });
});

describe("hs project dev's calls", () => {
  it("register a session whose local dev server record pages are told of, answer the CLI's app checks, and end it", async () => {
    expect((await api.call("GET", "/developer-tooling/external/developer-portal/has-unified-dev-platform-access")).body).toBe(true);
    const project = (await api.call("GET", "/developer/projects/v1/by-name/hs-dev-card")).body;
    const appData = await api.call("GET", `/apps-dev/external/public/v3/project-id/${project.id}/source-id/dev_loop_app`);
    expect(appData.body).toMatchObject({ name: "Dev loop app", scopeGroupIds: [] });
    expect((await api.call("GET", `/apps-dev/external/public/v3/project-id/${project.id}/source-id/nope`)).status).toBe(404);
    const installed = (scopes: string[]) =>
      api.call("POST", "/localdevauth/v1/auth/install-info", {
        body: { portalId: 1, projectId: project.id, sourceId: "dev_loop_app", requiredScopeGroups: scopes, optionalScopeGroups: [] },
      });
    expect((await installed(["crm.objects.contacts.read"])).body).toEqual({
      isInstalledWithScopeGroups: true,
      previouslyAuthorizedScopeGroups: [],
    });
    expect((await installed(["crm.objects.contacts.write"])).body).toEqual({
      isInstalledWithScopeGroups: false,
      previouslyAuthorizedScopeGroups: ["crm.objects.contacts.read"],
    });

    expect((await api.call("POST", "/projects-localdev/2025-09/dev-sessions/register", { body: { ports: [{ port: "x" }] } })).status).toBe(
      400,
    );
    const registered = await api.call("POST", "/projects-localdev/2025-09/dev-sessions/register", {
      body: {
        ports: [
          { serverId: "local-dev-ui-websocket-server", port: 41000 },
          { serverId: "ui-extensions-dev-server", port: 5173 },
        ],
      },
    });
    const { sessionId } = registered.body;
    expect((await contactCards()).localDevServers).toEqual([{ sessionId, url: "http://localhost:5173" }]);
    expect((await api.call("POST", `/projects-localdev/2025-09/dev-sessions/${sessionId}/heartbeat`, { body: {} })).body).toEqual({});
    expect((await api.call("DELETE", `/projects-localdev/2025-09/dev-sessions/${sessionId}`)).status).toBe(204);
    expect((await contactCards()).localDevServers).toEqual([]);
  });
});
