// The endpoint functions' own listener (functions/endpoint-server.ts): what a tenant's endpoint can and cannot put on
// the wire, and that it never answers on the console's origin. Findings F2, F11, F9 (endpoint output) and F16.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../src/accounts/account-service";
import { ProjectApi } from "./support/project-api";
import { ENDPOINTS_PROJECT, deployProjectDir, respondWith } from "./support/endpoint-project";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
let a: number;
let b: number;
let api: ProjectApi;

const json = async (res: Response) => (await res.json()) as Record<string, any>;
const at = (accountId: number, path: string, query = "") =>
  `${server.functionsUrl}/${accountId}/_hcms/api/${path}${query ? `?${query}` : ""}`;

/** An account with its own key, its own copy of the endpoints project deployed. */
async function accountWithProject(s: TestServer, name: string): Promise<number> {
  const created = await createAccount(s.platform, { name, admin: { email: `${name.toLowerCase()}-${Date.now()}@example.com` } });
  await deployProjectDir(new ProjectApi(s.url, created.personalAccessKey), ENDPOINTS_PROJECT);
  return created.accountId;
}

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false });
  a = server.bootstrap.info.accountId;
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProjectDir(api, ENDPOINTS_PROJECT);
  b = await accountWithProject(server, "Squatter");
}, 240_000);

afterAll(async () => {
  await server.stop();
});

describe("the endpoint listener's origin", () => {
  it("listens apart from the console, which answers 404 for /_hcms/api", async () => {
    expect(new URL(server.functionsUrl).origin).not.toBe(new URL(server.url).origin);
    for (const accept of ["text/html", "application/json"]) {
      const res = await fetch(`${server.url}/_hcms/api/atk/page?portalId=${a}`, { headers: { accept } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
    }
    expect((await fetch(`${server.url}/_hcms/api/probe?portalId=${a}`, { method: "POST" })).status).toBe(404);
    expect((await fetch(at(a, "probe"))).status).toBe(200);
  });

  it("serves a function's HTML sandboxed, without its cookie, framing or proxy headers", async () => {
    const res = await fetch(at(a, "atk/page"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/(^|;)\s*sandbox\s*(;|$)/);
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("x-accel-redirect")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBeNull();
    expect(res.headers.get("connection")).not.toBe("close");
    const body = await res.text();
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(body).toContain("<script>");
  });

  it("passes the allowed headers on, redirects only to absolute http(s) URLs, and never hands the function the caller's cookie", async () => {
    const headers = {
      "Cache-Control": "no-store",
      "X-Custom": "kept",
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Credentials": "true",
      "WWW-Authenticate": "Basic realm=x",
      "X-Sendfile": "/etc/passwd",
      "X-Sprocket-Trace-Id": "forged",
      "Content-Security-Policy": "default-src *",
    };
    const res = await fetch(at(a, "probe", respondWith({ statusCode: 200, headers, body: "ok" })));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-custom")).toBe("kept");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    for (const dropped of ["access-control-allow-credentials", "www-authenticate", "x-sendfile"])
      expect(res.headers.get(dropped)).toBeNull();
    expect(res.headers.get("x-sprocket-trace-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");

    const redirect = (location: string) =>
      fetch(at(a, "probe", respondWith({ statusCode: 302, headers: { location } })), { redirect: "manual" });
    expect((await redirect("https://example.com/next?x=1")).headers.get("location")).toBe("https://example.com/next?x=1");
    for (const refused of ["/\\evil.example/", "//evil.example/", "javascript:alert(1)", "/relative"]) {
      const res = await redirect(refused);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBeNull();
    }

    const seen = await json(await fetch(at(a, "probe"), { headers: { cookie: "sprocket_session=victim" } }));
    expect(seen).toMatchObject({ accountId: a, cookie: null });
  });
});

describe("routing per account (F11)", () => {
  it("answers each account's path with its own function, whoever else deploys the same path", async () => {
    expect((await json(await fetch(at(a, "probe")))).accountId).toBe(a);
    expect((await json(await fetch(at(b, "probe")))).accountId).toBe(b);
    const byQuery = await fetch(`${server.functionsUrl}/_hcms/api/probe?portalId=${a}`);
    expect((await json(byQuery)).accountId).toBe(a);
    const byHeader = await fetch(`${server.functionsUrl}/_hcms/api/probe`, { headers: { "x-hubspot-portal-id": String(b) } });
    expect((await json(byHeader)).accountId).toBe(b);
  });

  it("refuses a URL that names no account, two accounts or a bad one, and 404s an account without the path", async () => {
    const none = await fetch(`${server.functionsUrl}/_hcms/api/probe`);
    expect(none.status).toBe(400);
    expect((await json(none)).message).toContain("/<accountId>/_hcms/api/");
    const two = await fetch(at(a, "probe", `portalId=${b}`));
    expect(two.status).toBe(400);
    expect((await fetch(`${server.functionsUrl}/_hcms/api/probe?portalId=abc`)).status).toBe(400);
    expect((await fetch(`${server.functionsUrl}/nope/_hcms/api/probe`)).status).toBe(404);
    const other = await fetch(at(999_999_999, "probe"));
    expect(other.status).toBe(404);
    expect((await json(other)).category).toBe("OBJECT_NOT_FOUND");
  });

  it("shows each endpoint's full URL on the endpoint listener in the app's functions list", async () => {
    const res = await api.call("GET", "/api/v1/private-apps/endpoints-suite/functions");
    const probe = res.body.results.find((f: { name: string }) => f.name === "respond");
    expect(probe.endpoint.url).toBe(at(a, "probe"));
  });
});

describe("bad function output and failures (F9, F16)", () => {
  it.each([
    ["status 99", { statusCode: 99 }],
    ["status 1000", { statusCode: 1000 }],
    ["status 100", { statusCode: 100 }],
    ["status 200.5", { statusCode: 200.5 }],
    ["status as text", { statusCode: "200" }],
    ["a header name with a space", { statusCode: 200, headers: { "bad name": "x" } }],
    ["CRLF in a header value", { statusCode: 200, headers: { "x-a": "a\r\nSet-Cookie: b=1" } }],
    ["an object as a header value", { statusCode: 200, headers: { "x-a": { nested: true } } }],
  ])("answers %s with 502, HubSpot's body and the trace id, and keeps serving", async (_label, value) => {
    const res = await fetch(at(a, "probe", respondWith(value)));
    expect(res.status).toBe(502);
    const traceId = res.headers.get("x-sprocket-trace-id");
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const body = await json(res);
    expect(body).toMatchObject({
      status: "error",
      category: "INTERNAL_ERROR",
      subCategory: "ServerlessExecution.INVALID_RESPONSE",
      correlationId: expect.any(String),
    });
    expect(body.message).toContain(traceId);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await fetch(at(a, "probe"))).status).toBe(200);
  });

  it("hides a function's exception text from the caller, who gets the trace id; the developer finds the text by it", async () => {
    const res = await fetch(at(a, "probe", "throw=db password is hunter2 at 10.0.0.5"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: "error", subCategory: "ServerlessExecution.ERROR" });
    const traceId = body.context.traceId[0] as string;
    expect(body.message).toContain(traceId);
    await expect.poll(async () => JSON.stringify((await api.call("GET", `/api/v1/traces/${traceId}`)).body)).toContain("hunter2");
  });
});

describe("rate limit per account (F16)", () => {
  let limited: TestServer;
  const clock = manualClock();

  beforeAll(async () => {
    limited = await startTestServer({ demoCrm: false, clock, env: { SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "3" } });
    await deployProjectDir(new ProjectApi(limited.url, limited.bootstrap.info.personalAccessKey), ENDPOINTS_PROJECT);
  }, 240_000);

  afterAll(async () => {
    await limited.stop();
  });

  it("answers 429 with HubSpot's body and Retry-After past the account's calls a minute, and serves again in the next minute", async () => {
    const url = `${limited.functionsUrl}/${limited.bootstrap.info.accountId}/_hcms/api/probe`;
    for (let i = 0; i < 3; i++) expect((await fetch(url)).status).toBe(200);
    const res = await fetch(url);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await json(res)).toMatchObject({
      status: "error",
      category: "RATE_LIMITS",
      message: expect.stringContaining("3 calls a minute"),
    });
    clock.advance(60_000);
    expect((await fetch(url)).status).toBe(200);
  });
});
