// The wire contract (@sprocket/contract) against the real server: every route the console and the CLI read answers
// with a body its schema accepts, and serialising through the schema loses nothing the handler returned (a field the
// contract forgot would be dropped silently, and the clients would never see it).
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import * as contract from "@sprocket/contract";
import { buildApp } from "../src/app";
import { newSpanId, newTraceId } from "../src/logs/trace-context";
import { deployProjectDir, ProjectApi } from "./support/project-api";
import { createTestApp } from "./support/test-apps";
import { startTestServer, type TestServer } from "./support/test-server";

const PROJECT = path.join(import.meta.dirname, "fixtures/functions-project");
const NAME = "functions-suite";

let server: TestServer;
let api: ProjectApi;
let inspected: FastifyInstance;
/** What each handler returned, before the serialiser saw it, by request id. */
const returned = new Map<string, unknown>();
let bearer: string;
let cookie: string;
let appId: number;
/** An app with a card, a 2025.2+ settings page and a webhooks feature: the component kinds beyond cards and functions. */
let cardAppId: number;
let traceId: string;

beforeAll(async () => {
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  bearer = await api.bearer();
  await deployProjectDir(api, PROJECT);
  appId = (await api.call("GET", `/api/v1/private-apps/${NAME}`)).body.appId;
  await server.platform.store.db
    .updateTable("projects")
    .set({ git_url: "https://github.com/acme/functions-suite.git", git_branch: "main" })
    .where("name", "=", NAME)
    .execute();

  // One event of every kind, some of them failures (whose detail holds more), on one trace where they can be.
  traceId = newTraceId();
  const span = newSpanId();
  const traceparent = `00-${traceId}-${span}-01`;
  const run = (name: string) =>
    api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
      body: { serverlessFunction: name, parameters: {} },
      headers: { traceparent },
    });
  expect((await run("echo")).status).toBe(200);
  expect((await run("fail")).status).toBe(400);
  const { token } = (await api.call("POST", `/api/v1/private-apps/${appId}/token/reveal`)).body as { token: string };
  await fetch(`${server.url}/crm/v3/objects/contacts/404404`, { headers: { authorization: `Bearer ${token}`, traceparent } });
  expect((await api.call("POST", `/api/v1/private-apps/${appId}/token/rotate`, { body: { mode: "later" } })).status).toBe(200);

  const { email, password } = server.bootstrap.info.superAdmin;
  const signIn = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const event = {
    appId,
    cardUid: "deal-card",
    location: "crm.record.tab",
    objectTypeId: "0-3",
    objectId: 7,
    traceId,
    spanId: newSpanId(),
    parentSpanId: span,
    timestamp: Date.now(),
  };
  const events = await fetch(`${server.url}/api/v1/extension-events`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
    body: JSON.stringify([
      { ...event, kind: "RENDER_SUCCESS", durationMs: 12 },
      { ...event, kind: "LOG", level: "warn", message: "slow" },
    ]),
  });
  expect(events.status).toBe(202);

  // A hubspot.fetch the proxy refuses (the app permits no URL) is still a FETCH event of the card.
  ({ appId: cardAppId } = await createTestApp(server.platform, server.bootstrap.info.accountId, {
    scopes: [],
    app: {
      cards: [
        { uid: "fetch-card", title: "Fetch card", location: "crm.record.tab", objectTypes: ["contacts"], bundle: "cards/fetch-card.js" },
      ],
      extensions: [
        { uid: "app-settings", type: "settings", config: { entrypoint: "/app/settings/Settings.tsx" }, bundle: "settings/app-settings.js" },
      ],
      features: [
        {
          uid: "deal-hooks",
          type: "webhooks",
          config: { settings: { targetUrl: "https://example.com/hooks", maxConcurrentRequests: 5 }, subscriptions: {} },
        },
      ],
    },
  }));
  const refused = await api.call("POST", `/api/v1/card-fetch/${cardAppId}`, {
    body: { cardUid: "fetch-card", location: "crm.record.tab", url: "https://example.com/api", method: "GET" },
    headers: { traceparent },
  });
  expect(refused.status).toBe(400);
  // Viewing the client secret is a security event of its own.
  expect((await api.call("POST", `/api/v1/private-apps/${cardAppId}/client-secret/reveal`)).status).toBe(200);
  await server.platform.logs.flush();

  // The same platform behind a second app whose handlers' return values are kept for comparison.
  inspected = await buildApp(server.platform);
  inspected.addHook("preSerialization", async (request, _reply, payload) => {
    returned.set(request.id, structuredClone(payload));
    return payload;
  });
  await inspected.ready();
}, 240_000);

afterAll(async () => {
  await inspected?.close();
  await server?.stop();
});

/** Calls a route, checks the body against the schema and against what the handler returned; gives the body. */
async function read<S extends z.ZodType>(
  schema: S,
  url: string,
  opts: { method?: "GET" | "POST" | "PUT"; session?: boolean; status?: number; body?: unknown } = {},
): Promise<z.infer<S>> {
  const res = await inspected.inject({
    method: opts.method ?? "GET",
    url,
    headers: opts.session ? { cookie } : { authorization: `Bearer ${bearer}` },
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
  expect(res.statusCode, res.body).toBe(opts.status ?? 200);
  const body: unknown = res.json();
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  const raw = [...returned.values()].at(-1);
  returned.clear();
  // JSON round trip of the handler's value: what the wire carried before the contract (undefined keys drop out).
  expect(body).toEqual(JSON.parse(JSON.stringify(raw)));
  return parsed.data as z.infer<S>;
}

describe("the wire contract", () => {
  it("covers every kind of log event, in lists, one at a time and in traces", async () => {
    for (const kind of contract.LOG_KINDS) {
      const page = await read(contract.logPage, `/api/v1/logs/${kind}`);
      expect(page.results.length, kind).toBeGreaterThan(0);
      const appPage = await read(contract.logPage, `/api/v1/private-apps/${appId}/logs/${kind}?limit=1`);
      expect(appPage.results, kind).toHaveLength(1);
      for (const event of page.results) await read(contract.logEvent, `/api/v1/logs/${kind}/${event.id}`);
    }
    const apiCalls = await read(contract.logPage, "/api/v1/logs/api-calls?status=4xx");
    const failedCall = await read(contract.logEvent, `/api/v1/logs/api-calls/${apiCalls.results[0]!.id}`);
    expect(failedCall).toMatchObject({ kind: "api-call", status: 404, requestHeaders: expect.any(Object) });
    const runs = await read(contract.logPage, "/api/v1/logs/functions?status=error");
    expect(await read(contract.logEvent, `/api/v1/logs/functions/${runs.results[0]!.id}`)).toMatchObject({
      kind: "function-run",
      error: { message: expect.any(String) },
      logs: expect.any(Array),
    });

    const fetches = await read(contract.logPage, `/api/v1/private-apps/${cardAppId}/logs/extensions`);
    expect(fetches.results).toContainEqual(expect.objectContaining({ eventType: "FETCH", level: "WARN" }));
    const security = await read(contract.logPage, `/api/v1/private-apps/${cardAppId}/logs/security`);
    expect(security.results).toContainEqual(expect.objectContaining({ type: "CLIENT_SECRET_VIEWED" }));

    const trace = await read(contract.trace, `/api/v1/traces/${traceId}`);
    expect(trace.eventCount).toBeGreaterThanOrEqual(5);
    await read(contract.trace, `/api/v1/private-apps/${appId}/traces/${traceId}`);
    for (const range of contract.OVERVIEW_RANGES) await read(contract.overview, `/api/v1/private-apps/${appId}/overview?range=${range}`);
  });

  it("covers private apps, their components and their tokens", async () => {
    const list = await read(contract.privateAppList, "/api/v1/private-apps");
    expect(list.results.map((a) => a.uid)).toContain(NAME);
    const detail = await read(contract.privateAppDetail, `/api/v1/private-apps/${appId}`);
    expect(detail.token?.previous).toBeDefined();
    expect(detail.components.length).toBeGreaterThan(0);
    await read(contract.appFunctions, `/api/v1/private-apps/${NAME}/functions`);
    await read(contract.tokenReveal, `/api/v1/private-apps/${appId}/token/reveal`, { method: "POST" });
    await read(contract.tokenRotation, `/api/v1/private-apps/${appId}/token/rotate`, { method: "POST", body: { mode: "later" } });
    await read(contract.oldTokensExpired, `/api/v1/private-apps/${appId}/token/expire-old`, { method: "POST" });
    expect((await read(contract.privateAppDetail, `/api/v1/private-apps/${cardAppId}`)).components.map((c) => c.kind).sort()).toEqual([
      "card",
      "settings",
      "webhooks",
    ]);
    await read(contract.clientSecretReveal, `/api/v1/private-apps/${cardAppId}/client-secret/reveal`, { method: "POST" });
    await read(contract.webhookDeliveryPage, `/api/v1/private-apps/${cardAppId}/logs/webhooks`);
    const pages = await read(contract.appPagesAnswer, `/api/v1/app-pages?appId=${cardAppId}`, { session: true });
    expect(pages.results).toEqual([expect.objectContaining({ uid: "app-settings", type: "settings", location: "settings" })]);
  });

  it("covers projects, builds and deploys as HubSpot's CLI and ours read them", async () => {
    const projects = await read(contract.projectList, "/developer/projects/v1");
    const project = await read(contract.project, `/developer/projects/v1/by-name/${NAME}`);
    expect(projects.results.map((p) => p.name)).toContain(NAME);
    expect(project).toMatchObject({ sourceIntegration: { owner: "acme" }, deployedBuild: { subbuildStatuses: expect.any(Array) } });
    const builds = await read(contract.buildPage, `/dfs/v1/projects/${NAME}/builds`);
    const build = await read(contract.build, `/dfs/v1/projects/${NAME}/builds/${builds.results[0]!.buildId}/status`);
    expect(build.subbuildStatuses.length).toBeGreaterThan(0);
    await read(contract.deploy, `/dfs/deploy/v1/deploy-status/projects/${NAME}/deploys/${build.autoDeployId}`);
    const deploys = await read(contract.deployPage, `/dfs/deploy/v1/deploys/by-project-name/${NAME}/deploys?limit=1`);
    expect(deploys.results[0]).toMatchObject({ deployId: build.autoDeployId, source: "AUTO_DEPLOY" });
    await read(contract.projectSettings, `/developer/projects/v1/${NAME}/settings`);
  });

  it("covers the session and the account as the console reads them", async () => {
    const session = await read(contract.sessionState, "/api/v1/session", { session: true });
    expect(session.signedIn).toBe(true);
    expect(await read(contract.sessionState, "/api/v1/session")).toEqual({ signedIn: false });
    await read(contract.memberList, "/api/v1/account-users", { session: true });
    await read(contract.personalAccessKeyList, "/api/v1/personal-access-keys", { session: true });
    await read(contract.accountList, "/api/v1/accounts");
  });

  it("covers the account's secrets, which `hs secrets` reads too", async () => {
    const secret = { key: "CONTRACT_SECRET", secret: "s3cret" };
    expect(await read(contract.secretChange, "/cms/v3/functions/secrets", { method: "POST", body: secret, status: 201 })).toEqual({
      name: secret.key,
      status: "created",
    });
    expect(await read(contract.secretChange, "/cms/v3/functions/secrets", { method: "PUT", body: secret })).toEqual({
      name: secret.key,
      status: "updated",
    });
    expect((await read(contract.secretList, "/cms/v3/functions/secrets")).results).toContain(secret.key);
  });
});
