import pLimit from "p-limit";
import { buildApp, createPlatform, loadConfig } from "../../packages/server/src/index";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { createTestDatabase, type TestDatabase } from "../../packages/server/test/support/test-database";
import { freePort, spawnServer, type ServerProcess } from "../../packages/server/test/support/server-process";
import type { BootstrapInfo } from "../../packages/server/src/index";
import { type CaseGroup, check } from "./case";
import { isHubSpotError, probe, type Probe } from "./http-probe";
import { routeCatalogue, type RouteEntry } from "./route-catalogue";
import { signInSession, type Session } from "./world";
import fs from "node:fs";
import path from "node:path";

interface ConsoleWorld {
  db: TestDatabase;
  server: ServerProcess;
  info: BootstrapInfo;
  admin: Session;
  appId: number;
  /** The routes that take a console session (or a session among other credentials) and may change state. */
  stateChanging: RouteEntry[];
  /** Every secret value the cases handle: none may appear in a log, an error, a URL or a page. */
  secrets: Set<string>;
  /** Bodies of responses that were not meant to return a secret. */
  seen: string[];
  /** Where the server's log stood after its start-up banner (which shows the operator the first login, by design). */
  logFrom: number;
}

const call = async (w: ConsoleWorld, p: Probe, returnsSecret = false) => {
  const res = await probe(w.server.url, p);
  if (!returnsSecret) w.seen.push(`${p.method} ${p.url.split("?")[0]} → ${res.status} ${res.text}`);
  return res;
};
const json = (s: Session, body: unknown) => ({
  headers: { cookie: s.cookie, "x-csrf-token": s.csrf, "content-type": "application/json" },
  body: JSON.stringify(body),
});

export const consoleSecurityGroup: CaseGroup<ConsoleWorld> = {
  name: "console security",
  async open() {
    const db = await createTestDatabase();
    // Plain HTTP only: with an HTTPS listener, plain-HTTP console traffic is redirected to it (L5); the HTTPS cookie
    // and the redirect are held by the attacker group (attacks/accounts.ts) and packages/server/test/https-only.test.ts.
    const port = await freePort();
    const env = { SPROCKET_LOG_LEVEL: "debug", ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}) };
    const server = await spawnServer({ port, dataDir: db.dataDir, env });
    const info = JSON.parse(fs.readFileSync(path.join(db.dataDir, "bootstrap.json"), "utf8")) as BootstrapInfo;
    // A private app provisioned the way a deploy does, from this process, on the store the server uses.
    const platform = await createPlatform(loadConfig({ port: 0, dataDir: db.dataDir }, { ...env, SPROCKET_ROUTER_COMPILE: "false" }));
    const { appId, token } = await createTestApp(platform, info.accountId, {
      scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
    });
    // The routes of this process's own server build, the same code the child runs, from an app on that platform: it
    // only registers them (no listener, no second database).
    const app = await buildApp(platform);
    await app.ready();
    const stateChanging = routeCatalogue(app).filter(
      (r) => ["session", "user", "app"].includes(r.auth) && !["GET", "TRACE"].includes(r.method),
    );
    await app.close();
    await platform.close();
    const admin = await signInSession(server.url, info.superAdmin.email, info.superAdmin.password);
    return {
      db,
      server,
      info,
      admin,
      appId,
      stateChanging,
      secrets: new Set([token, info.superAdmin.password, info.personalAccessKey, admin.cookie.split("=")[1]!]),
      seen: [],
      logFrom: server.output().length,
    };
  },
  async close(w) {
    await w.server.kill("SIGTERM");
    await w.db.drop();
  },
  cases: [
    {
      name: "CSP and frame headers on the console page",
      run: async (w) => {
        const res = await call(w, { method: "GET", url: "/apps", headers: { accept: "text/html" } });
        check(res.status === 200, `GET /apps as a browser: ${res.status} ${res.text.slice(0, 100)}`);
        const csp = res.headers.get("content-security-policy") ?? "";
        for (const directive of ["frame-ancestors 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'self'"])
          check(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
        check(!/script-src[^;]*unsafe/.test(csp), `CSP allows unsafe scripts: ${csp}`);
        check(res.headers.get("x-frame-options") === "DENY", `x-frame-options: ${res.headers.get("x-frame-options")}`);
        check(res.headers.get("x-content-type-options") === "nosniff", "no nosniff");
        return "CSP (frame-ancestors 'none', script-src 'self'), X-Frame-Options DENY, nosniff";
      },
    },
    {
      name: "CSRF token required on every state-changing request",
      run: async (w) => {
        const routes = w.stateChanging;
        const requests = routes.flatMap((r) => [undefined, "wrong"].map((csrf) => ({ r, csrf })));
        const misses: string[] = [];
        // Over the child's socket, as a browser sends them (its debug log is the last case's subject), a few at a time:
        // one after another, the 2,400 requests were most of the group's time.
        const limit = pLimit(8);
        await Promise.all(
          requests.map(({ r, csrf }) =>
            limit(async () => {
              const res = await call(w, {
                method: r.method,
                url: r.url.replace(/:[A-Za-z]+/g, String(w.appId)).replace("*", "x"),
                headers: { cookie: w.admin.cookie, "content-type": "application/json", ...(csrf ? { "x-csrf-token": csrf } : {}) },
                body: "{}",
              });
              if (res.status !== 403 || !isHubSpotError(res.json))
                misses.push(`${r.method} ${r.url} (${csrf ?? "no token"}) → ${res.status}`);
            }),
          ),
        );
        check(routes.length > 0, "no state-changing session routes were registered");
        check(misses.length === 0, `${misses.length} requests went through without the CSRF token: ${misses.slice(0, 4).join(" | ")}`);
        return `${routes.length} state-changing routes × (no token, wrong token): 403 each`;
      },
    },
    {
      name: "session cookie: HttpOnly, SameSite=Lax, Path=/, no Secure over plain HTTP",
      run: async (w) => {
        const body = JSON.stringify({ email: w.info.superAdmin.email, password: w.info.superAdmin.password });
        const plain = await fetch(`${w.server.url}/api/v1/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const cookie = plain.headers.getSetCookie()[0] ?? "";
        w.secrets.add(cookie.split(";")[0]!.split("=")[1]!);
        for (const attr of ["HttpOnly", "SameSite=Lax", "Path=/"]) check(cookie.includes(attr), `the cookie lacks ${attr}: ${cookie}`);
        check(!/;\s*Secure/i.test(cookie), `Secure over plain HTTP would lose the cookie: ${cookie}`);
        return "HttpOnly; SameSite=Lax; Path=/ over HTTP (HTTPS: __Host- and Secure, see the attacker group)";
      },
    },
    {
      name: "sign-in throttling: 429 after 10 failures, each one a security event",
      run: async (w) => {
        for (let i = 0; i < 10; i++) {
          const res = await call(w, {
            method: "POST",
            url: "/api/v1/session",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email: w.info.superAdmin.email, password: `wrong-${i}` }),
          });
          check(res.status === 401, `failure ${i + 1}: ${res.status}`);
        }
        const blocked = await call(w, {
          method: "POST",
          url: "/api/v1/session",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: w.info.superAdmin.email, password: w.info.superAdmin.password }),
        });
        check(
          blocked.status === 429 && isHubSpotError(blocked.json) && Number(blocked.headers.get("retry-after")) > 0,
          `the 11th attempt: ${blocked.status}`,
        );
        const events = await call(w, { method: "GET", url: "/api/v1/logs/security?limit=100", headers: { cookie: w.admin.cookie } });
        const failures = JSON.stringify(events.json).match(/SIGN_IN_FAILED/g)?.length ?? 0;
        check(failures >= 10, `${failures} SIGN_IN_FAILED events in the security log: ${events.status} ${events.text.slice(0, 200)}`);
        return `401 × 10, then 429 (Retry-After ${blocked.headers.get("retry-after")} s) even with the right password; ${failures} SIGN_IN_FAILED events`;
      },
    },
    {
      name: "no token or secret in any log, error, URL or page after use",
      run: async (w) => {
        const revealed = await call(w, { method: "POST", url: `/api/v1/private-apps/${w.appId}/token/reveal`, ...json(w.admin, {}) }, true);
        const rotated = await call(
          w,
          { method: "POST", url: `/api/v1/private-apps/${w.appId}/token/rotate`, ...json(w.admin, { mode: "now" }) },
          true,
        );
        const key = await call(w, { method: "POST", url: "/api/v1/personal-access-keys", ...json(w.admin, { name: "leak-check" }) }, true);
        const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
        for (const s of [revealed.json.token, rotated.json.token, key.json.personalAccessKey, secret]) w.secrets.add(s);
        const exchanged = await call(
          w,
          {
            method: "POST",
            url: "/localdevauth/v1/auth/refresh",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ encodedOAuthRefreshToken: key.json.personalAccessKey }),
          },
          true,
        );
        w.secrets.add(exchanged.json.oauthAccessToken);
        // Use each one, rightly and wrongly, and in the places leaks happen: errors, query strings, failed bodies.
        await call(w, { method: "POST", url: "/cms/v3/functions/secrets", ...json(w.admin, { key: "API_KEY", secret }) });
        await call(w, {
          method: "GET",
          url: "/crm/v3/objects/contacts?limit=1",
          headers: { authorization: `Bearer ${rotated.json.token}` },
        });
        await call(w, {
          method: "GET",
          url: "/crm/v3/objects/contacts?limit=1",
          headers: { authorization: `Bearer ${revealed.json.token}` },
        });
        await call(w, {
          method: "GET",
          url: `/crm/v3/objects/contacts?hapikey=${rotated.json.token}&access_token=${rotated.json.token}&limit=-1`,
          headers: { authorization: `Bearer ${rotated.json.token}` },
        });
        await call(w, {
          method: "POST",
          url: "/crm/v3/objects/contacts",
          headers: { authorization: `Bearer ${rotated.json.token}`, "content-type": "application/json" },
          body: JSON.stringify({ properties: 5, token: rotated.json.token, password: secret }),
        });
        await call(w, {
          method: "POST",
          url: "/oauth/v2/private-apps/get/access-token-info",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ tokenKey: revealed.json.token }),
        });
        await call(w, { method: "GET", url: "/api/v1/accounts", headers: { authorization: `Bearer ${exchanged.json.oauthAccessToken}x` } });
        await call(w, {
          method: "POST",
          url: "/localdevauth/v1/auth/refresh",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ encodedOAuthRefreshToken: `${key.json.personalAccessKey}x` }),
        });
        await call(w, { method: "GET", url: "/apps", headers: { accept: "text/html" } });
        for (const kind of ["api", "security", "functions"])
          await call(w, { method: "GET", url: `/api/v1/logs/${kind}?limit=200`, headers: { cookie: w.admin.cookie } });
        // The server's own log, everything it printed at debug level: stopping it flushes all of it, shutdown included
        // (this is the group's last case for that reason; close() then finds the process already gone).
        await w.server.kill("SIGTERM");
        const places: Array<[string, string]> = [
          ["server log", w.server.output().slice(w.logFrom)],
          ...w.seen.map((s, i) => [`response ${i}`, s] as [string, string]),
        ];
        const leaks: string[] = [];
        for (const [where, text] of places)
          for (const s of w.secrets)
            if (s && text.includes(s)) leaks.push(`${where}: …${text.slice(Math.max(0, text.indexOf(s) - 60), text.indexOf(s) + 10)}…`);
        check(leaks.length === 0, `${leaks.length} leaks: ${leaks.slice(0, 3).join(" | ")}`);
        return `${w.secrets.size} secrets (tokens, keys, password, session id, function secret) absent from ${w.seen.length} responses, the API/security/function logs and ${Math.round(w.server.output().length / 1024)} KB of debug log`;
      },
    },
  ],
};
