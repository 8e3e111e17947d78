import { readFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";

/** L5: with an HTTPS listener, browsers are sent to it, HTTPS answers carry HSTS and the session cookie is `__Host-`. */
let server: TestServer;
let ca: string;
beforeAll(async () => {
  server = await startTestServer({ demoCrm: false, env: { SPROCKET_HTTPS_PORT: "0" } });
  ca = await readFile(server.https!.certPath, "utf8");
});
afterAll(async () => {
  await server.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function overTls(method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${server.https!.url}${path}`,
      { method, ca, headers: { "content-type": "application/json", ...opts.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const plain = (method: string, path: string, init: RequestInit = {}) => fetch(server.url + path, { method, redirect: "manual", ...init });
const credentials = () =>
  JSON.stringify({ email: server.bootstrap.info.superAdmin.email, password: server.bootstrap.info.superAdmin.password });

describe("plain HTTP beside an HTTPS listener", () => {
  it("redirects the console (301) and the session API (308, method kept) to the same path over HTTPS", async () => {
    const page = await plain("GET", "/apps?tab=1");
    expect(page.status).toBe(301);
    expect(page.headers.get("location")).toBe(`${server.https!.url}/apps?tab=1`);
    const signIn = await plain("POST", "/api/v1/session", { headers: { "content-type": "application/json" }, body: credentials() });
    expect(signIn.status).toBe(308);
    expect(signIn.headers.get("location")).toBe(`${server.https!.url}/api/v1/session`);
    expect(signIn.headers.get("set-cookie")).toBeNull();
    // A cookie sent over plain HTTP is redirected too, never served.
    expect((await plain("GET", "/crm/v3/objects/contacts", { headers: { cookie: "sprocket_session=x" } })).status).toBe(301);
  });

  it("keeps /healthz, /readyz, the CLI key exchange and calls that carry a bearer token (functions calling back) on HTTP", async () => {
    expect((await plain("GET", "/healthz")).status).toBe(200);
    expect((await plain("GET", "/readyz")).status).toBe(200);
    const exchange = await plain("POST", "/localdevauth/v1/auth/refresh", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ encodedOAuthRefreshToken: server.bootstrap.info.personalAccessKey }),
    });
    expect(exchange.status).toBe(200);
    const api = await plain("GET", "/crm/v3/objects/contacts", { headers: { authorization: "Bearer pat-na1-nope" } });
    expect(api.status).toBe(401);
    expect(api.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("over HTTPS", () => {
  it("sends Strict-Transport-Security and sets the session as a __Host- cookie with Secure and Path=/", async () => {
    const res = await overTls("POST", "/api/v1/session", { body: credentials() });
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000");
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^__Host-sprocket_session=[^;]+;/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect((await overTls("GET", "/healthz")).headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("reads only the __Host- cookie: the plain name (which plain HTTP can plant) signs nobody in", async () => {
    const res = await overTls("POST", "/api/v1/session", { body: credentials() });
    const id = String(res.headers["set-cookie"]).split(";")[0]!.split("=")[1]!;
    const secure = await overTls("GET", "/api/v1/session", { headers: { cookie: `__Host-sprocket_session=${id}` } });
    expect(JSON.parse(secure.body)).toMatchObject({ signedIn: true });
    const planted = await overTls("GET", "/api/v1/session", { headers: { cookie: `sprocket_session=${id}` } });
    expect(JSON.parse(planted.body)).toEqual({ signedIn: false });
    expect((await overTls("GET", "/api/v1/personal-access-keys", { headers: { cookie: `sprocket_session=${id}` } })).status).toBe(401);
  });
});
