import { manualClock } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { type CaseGroup, check } from "./case";
import { isHubSpotError, probe } from "./http-probe";
import { routeCatalogue, type RouteEntry } from "./route-catalogue";
import { openWorld, signInSession, developerToken, type World } from "./world";

type AuthWorld = World & { clock: ReturnType<typeof manualClock> };

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, "1").replace("*", "x");
const withBody = (method: string) =>
  method === "GET" || method === "DELETE" ? {} : { body: "{}", headers: { "content-type": "application/json" } };

/** Calls every route in `routes` with `headers` and expects `status` with HubSpot's body; returns a summary or throws naming the misses. */
async function expectEverywhere(
  w: World,
  routes: RouteEntry[],
  headers: (r: RouteEntry) => Record<string, string>,
  status: number,
  category?: string,
): Promise<string> {
  const misses: string[] = [];
  for (const r of routes) {
    const b = withBody(r.method);
    const res = await probe(w.server.url, { method: r.method, url: concrete(r.url), ...b, headers: { ...b.headers, ...headers(r) } });
    if (res.status !== status || !isHubSpotError(res.json) || (category && res.json.category !== category))
      misses.push(`${r.method} ${r.url} → ${res.status} ${res.json?.category ?? ""}`);
  }
  check(misses.length === 0, `${misses.length} of ${routes.length} routes: ${misses.slice(0, 4).join(" | ")}`);
  return `${routes.length} routes answer ${status}${category ? ` ${category}` : ""}`;
}

const routesOf = (w: World, ...kinds: string[]) =>
  routeCatalogue(w.server.app).filter((r) => kinds.includes(r.auth) && r.method !== "TRACE");
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Private-app management: super admins only, as in HubSpot. */
const ADMIN_ONLY: Array<[string, (w: World) => string]> = [
  ["GET", () => "/api/v1/private-apps"],
  ["GET", (w) => `/api/v1/private-apps/${w.a.appId}`],
  ["POST", (w) => `/api/v1/private-apps/${w.a.appId}/token/reveal`],
  ["POST", (w) => `/api/v1/private-apps/${w.a.appId}/token/expire-old`],
  ["GET", (w) => `/api/v1/private-apps/${w.a.appId}/security-events`],
  ["GET", (w) => `/api/v1/private-apps/${w.a.appId}/workflow-actions`],
  ["GET", (w) => `/api/v1/private-apps/${w.a.appId}/logs/workflow-actions`],
  ["GET", () => "/api/v1/workflow-actions"],
  ["GET", () => "/api/v1/workflows"],
  ["GET", () => "/api/v1/app-installs"],
  ["GET", () => "/cms/v3/functions/secrets"],
];

export const authzGroup: CaseGroup<AuthWorld> = {
  name: "authorisation",
  async open() {
    const clock = manualClock();
    return { ...(await openWorld({ clock })), clock };
  },
  close: (w) => w.server.stop(),
  cases: [
    {
      name: "no credentials: every authenticated route answers 401",
      run: (w) => expectEverywhere(w, routesOf(w, "app", "developer", "user", "session"), () => ({}), 401, "INVALID_AUTHENTICATION"),
    },
    {
      name: "routes without authentication are the public ones only",
      run: async (w) => {
        const PUBLIC =
          /^(\/healthz|\/readyz|\/api\/v1\/session|\/api\/v1\/invites\/:token|\/localdevauth\/v1\/auth\/refresh|\/oauth\/v2\/private-apps\/get\/access-token-info|\/oauth\/authorize$|\/oauth\/v1\/(token$|access-tokens\/:token$|refresh-tokens\/:token$)|\/git-webhooks\/|\/content\/filemapper\/v1\/cms-cli-usage|\/assets\/\*|\/extension-host\/\*|\/\*)/;
        const open = routeCatalogue(w.server.app).filter((r) => r.auth === "none");
        const unexpected = open.filter((r) => !PUBLIC.test(r.url));
        check(unexpected.length === 0, `routes without authentication: ${unexpected.map((r) => `${r.method} ${r.url}`).join(", ")}`);
        // Endpoint functions are public too, on their own listener (functions/endpoint-server.ts), never on this one.
        return `${open.length} public routes, all expected (health, sign-in, invite links, key exchange, token introspection, OAuth install and token endpoints, signed webhooks, console files)`;
      },
    },
    {
      name: "wrong kind of credential: 401",
      run: async (w) => {
        const app = await expectEverywhere(w, routesOf(w, "app"), () => bearer(w.a.developerToken), 401);
        const dev = await expectEverywhere(w, routesOf(w, "developer", "user"), () => bearer(w.a.appToken), 401);
        const session = await expectEverywhere(w, routesOf(w, "session"), () => bearer(w.a.developerToken), 401);
        return `developer token on app routes: ${app}; app token on CLI routes: ${dev}; bearer on session routes: ${session}`;
      },
    },
    {
      name: "missing scope: every scoped route answers 403 MISSING_SCOPES",
      run: async (w) => {
        const { token } = await createTestApp(w.server.platform, w.a.accountId, { scopes: ["crm.lists.read"] });
        return expectEverywhere(
          w,
          routesOf(w, "app").filter((r) => r.scopes.length > 0),
          () => bearer(token),
          403,
          "MISSING_SCOPES",
        );
      },
    },
    {
      name: "wrong account: records, projects and keys of another account are out of reach",
      run: async (w) => {
        const created = await probe(w.server.url, {
          method: "POST",
          url: "/crm/v3/objects/contacts",
          headers: { ...bearer(w.a.appToken), "content-type": "application/json" },
          body: JSON.stringify({ properties: { email: `authz-${Date.now()}@a.io` } }),
        });
        check(created.status === 201, `create in A: ${created.status}`);
        const id = created.json.id as string;
        for (const [method, url] of [
          ["GET", `/crm/v3/objects/contacts/${id}`],
          ["PATCH", `/crm/v3/objects/contacts/${id}`],
          ["DELETE", `/crm/v3/objects/contacts/${id}`],
          ["GET", `/crm/v4/objects/contacts/${id}/associations/companies`],
        ] as const) {
          const res = await probe(w.server.url, {
            method,
            url,
            ...withBody(method),
            headers: { ...withBody(method).headers, ...bearer(w.b.appToken) },
          });
          if (method === "DELETE") check(res.status === 204 || res.status === 404, `B ${method} ${url}: ${res.status}`);
          else check(res.status === 404, `B ${method} ${url}: ${res.status}`);
        }
        const still = await probe(w.server.url, { method: "GET", url: `/crm/v3/objects/contacts/${id}`, headers: bearer(w.a.appToken) });
        check(still.status === 200, `A's record after B's delete: ${still.status}`);
        const projects = await probe(w.server.url, {
          method: "GET",
          url: `/developer/projects/v1?portalId=${w.a.accountId}`,
          headers: bearer(w.b.developerToken),
        });
        check(projects.status === 403, `B's CLI token naming account A: ${projects.status}`);
        const exchange = await probe(w.server.url, {
          method: "POST",
          url: `/localdevauth/v1/auth/refresh?portalId=${w.a.accountId}`,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ encodedOAuthRefreshToken: w.b.personalAccessKey }),
        });
        check(exchange.status === 401, `B's personal access key exchanged for account A: ${exchange.status}`);
        const appOfA = await probe(w.server.url, {
          method: "GET",
          url: `/api/v1/private-apps/${w.a.appId}`,
          headers: { cookie: w.b.admin.cookie },
        });
        check(appOfA.status === 404, `B's super admin reading A's app: ${appOfA.status}`);
        const sw = await probe(w.server.url, {
          method: "PUT",
          url: "/api/v1/session/account",
          headers: { cookie: w.b.admin.cookie, "x-csrf-token": w.b.admin.csrf, "content-type": "application/json" },
          body: JSON.stringify({ accountId: w.a.accountId }),
        });
        check(sw.status === 403, `B's session switching to A: ${sw.status}`);
        return "B's token: 404 on A's records (A's record survives B's delete); B's CLI token and key refused for A (403, 401); B's admin: 404 on A's app, 403 switching to A";
      },
    },
    {
      name: "user vs super admin session",
      run: async (w) => {
        for (const [method, url] of ADMIN_ONLY) {
          const member = await probe(w.server.url, {
            method,
            url: url(w),
            headers: { cookie: w.a.member.cookie, "x-csrf-token": w.a.member.csrf },
          });
          check(member.status === 403 && isHubSpotError(member.json), `member ${method} ${url(w)}: ${member.status}`);
          const admin = await probe(w.server.url, {
            method,
            url: url(w),
            headers: { cookie: w.a.admin.cookie, "x-csrf-token": w.a.admin.csrf },
          });
          check(admin.status === 200, `super admin ${method} ${url(w)}: ${admin.status}`);
        }
        const put = await probe(w.server.url, {
          method: "POST",
          url: "/cms/v3/functions/secrets",
          headers: { cookie: w.a.member.cookie, "x-csrf-token": w.a.member.csrf, "content-type": "application/json" },
          body: JSON.stringify({ key: "X", secret: "y" }),
        });
        check(put.status === 403, `member adding a secret: ${put.status}`);
        return `${ADMIN_ONLY.length + 1} admin routes: member 403, super admin 200`;
      },
    },
    {
      name: "revoked tokens and keys: 401 everywhere",
      run: async (w) => {
        const victim = await createTestApp(w.server.platform, w.a.accountId, { scopes: ["crm.objects.contacts.read"] });
        const ok = await probe(w.server.url, { method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers: bearer(victim.token) });
        check(ok.status === 200, `before revocation: ${ok.status}`);
        const del = await probe(w.server.url, {
          method: "DELETE",
          url: `/api/v1/private-apps/${victim.appId}`,
          headers: { cookie: w.a.admin.cookie, "x-csrf-token": w.a.admin.csrf },
        });
        check(del.status === 204, `deleting the app: ${del.status}`);
        const apps = await expectEverywhere(w, routesOf(w, "app"), () => bearer(victim.token), 401);
        const key = await probe(w.server.url, {
          method: "POST",
          url: "/api/v1/personal-access-keys",
          headers: { cookie: w.a.admin.cookie, "x-csrf-token": w.a.admin.csrf, "content-type": "application/json" },
          body: JSON.stringify({ name: "victim" }),
        });
        const token = await developerToken(w.server.url, key.json.personalAccessKey);
        await probe(w.server.url, {
          method: "DELETE",
          url: `/api/v1/personal-access-keys/${key.json.id}`,
          headers: { cookie: w.a.admin.cookie, "x-csrf-token": w.a.admin.csrf },
        });
        const devs = await expectEverywhere(w, routesOf(w, "developer", "user"), () => bearer(token), 401);
        return `deleted app's token: ${apps}; revoked key's token: ${devs}`;
      },
    },
    {
      name: "rotated later: the old token works 7 days, then 401",
      run: async (w) => {
        const old = w.a.appToken;
        const rot = await probe(w.server.url, {
          method: "POST",
          url: `/api/v1/private-apps/${w.a.appId}/token/rotate`,
          headers: { cookie: w.a.admin.cookie, "x-csrf-token": w.a.admin.csrf, "content-type": "application/json" },
          body: JSON.stringify({ mode: "later" }),
        });
        check(rot.status === 200, `rotate later: ${rot.status}`);
        const fresh = rot.json.token as string;
        const read = (t: string) =>
          probe(w.server.url, { method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers: bearer(t) }).then((r) => r.status);
        check((await read(old)) === 200 && (await read(fresh)) === 200, "both tokens must work right after rotating later");
        w.clock.advance(7 * 24 * 3600_000 - 60_000);
        check((await read(old)) === 200, "the old token must work until 7 days have passed");
        w.clock.advance(2 * 60_000);
        const after = await read(old);
        check(after === 401, `the old token 7 days later: ${after}`);
        check((await read(fresh)) === 200, "the new token must keep working");
        w.a.appToken = fresh;
        w.a.admin = await signInSession(w.server.url, w.a.email, w.a.password);
        return "old token: 200 at 6 d 23 h 59 m, 401 at 7 d 1 m; new token 200 throughout";
      },
    },
  ],
};
