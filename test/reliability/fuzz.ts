import { findObjectType } from "../../packages/server/src/crm/object-types";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { ALL_CRM_SCOPES } from "../../packages/server/test/support/crm-client";
import { type CaseGroup, type Profile, check } from "./case";
import { injectProbe, needsWire, probe, wellFormedRefusal, type Probe } from "./http-probe";
import { routeCatalogue, type RouteEntry } from "./route-catalogue";
import { PATH_VALUES, Prng, randomBody, randomHeaders, randomQuery } from "./fuzz-values";
import { developerToken, openWorld, signInSession, type Tenant, type World } from "./world";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_240_601);

/** The credential a route expects, most of the time; any other one (or none) the rest of the time. */
function credentials(r: Prng, route: RouteEntry, t: Tenant): Record<string, string> {
  const session = (s: Tenant["admin"], csrf = s.csrf) => ({ cookie: s.cookie, "x-csrf-token": csrf });
  const all: Array<Record<string, string>> = [
    {},
    { authorization: `Bearer ${t.appToken}` },
    { authorization: `Bearer ${t.developerToken}` },
    session(t.admin),
    session(t.member),
    session(t.admin, "wrong"),
    { authorization: "Bearer " + "x".repeat(r.pick([1, 100, 10_000])) },
    { authorization: "Basic Zm9vOmJhcg==" },
  ];
  if (r.chance(0.2)) return r.pick(all);
  if (route.auth === "app") return r.chance(0.8) ? all[1]! : session(t.admin);
  if (route.auth === "developer") return all[2]!;
  if (route.auth === "session") return session(t.admin);
  if (route.auth === "user") return r.chance(0.5) ? all[2]! : session(t.admin);
  return {};
}

function fillPath(r: Prng, url: string, t: Tenant): string {
  return url
    .replace(/:([A-Za-z]+)/g, (_, name: string) => (r.chance(0.3) && /app/i.test(name) ? String(t.appId) : r.pick(PATH_VALUES)))
    .replace("*", () => r.pick(["x", "a/b/c", "%2e%2e/%2e%2e/etc/passwd", "x".repeat(2000), ""]));
}

/** A fuzzed call may sign the session out, rotate the app's token or revoke the key: put them back so later routes are fuzzed signed in. */
async function heal(world: World): Promise<void> {
  const { server, a } = world;
  const ok = async (url: string, headers: Record<string, string>) => (await fetch(server.url + url, { headers })).status === 200;
  if (!(await ok("/crm/v3/objects/contacts?limit=1", { authorization: `Bearer ${a.appToken}` }))) {
    const app = await createTestApp(server.platform, a.accountId, { scopes: [...ALL_CRM_SCOPES, "e-commerce"] });
    Object.assign(a, { appId: app.appId, appToken: app.token });
  }
  const me = (await (await fetch(`${server.url}/api/v1/session`, { headers: { cookie: a.admin.cookie } })).json()) as {
    signedIn: boolean;
    accountId?: number;
  };
  if (!me.signedIn || me.accountId !== a.accountId) a.admin = await signInSession(server.url, a.email, a.password);
  if (!(await ok("/api/v1/accounts", { authorization: `Bearer ${a.developerToken}` }))) {
    let token = await developerToken(server.url, a.personalAccessKey);
    if (!token) {
      const res = await fetch(`${server.url}/api/v1/personal-access-keys`, {
        method: "POST",
        headers: { cookie: a.admin.cookie, "x-csrf-token": a.admin.csrf, "content-type": "application/json" },
        body: JSON.stringify({ name: "fuzz" }),
      });
      a.personalAccessKey = ((await res.json()) as { personalAccessKey: string }).personalAccessKey;
      token = await developerToken(server.url, a.personalAccessKey);
    }
    a.developerToken = token;
  }
}

/**
 * The routes grouped by what they run: a built-in CRM object type's routes are registered under each of its path names
 * (contacts, contact, 0-1) with the same handler and type (crm/routes.ts), so the names of one type form one group.
 */
function byObjectType(routes: RouteEntry[]): RouteEntry[][] {
  const groups = new Map<string, RouteEntry[]>();
  for (const route of routes) {
    const key = `${route.method} ${route.url
      .split("/")
      .map((segment) => findObjectType(segment)?.id ?? segment)
      .join("/")}`;
    groups.set(key, [...(groups.get(key) ?? []), route]);
  }
  return [...groups.values()];
}

async function fuzzRoutes(world: World, profile: Profile, select: (r: RouteEntry) => boolean): Promise<string> {
  // fetch cannot send TRACE; the router treats it like any other method.
  const routes = routeCatalogue(world.server.app).filter((r) => r.method !== "TRACE" && select(r));
  check(routes.length > 0, "no routes matched");
  const r = new Prng(SEED);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let requests = 0;
  let slowest = 0;
  const requested = new Set<RouteEntry>();
  for (const names of profile.fuzzAliasesShare ? byObjectType(routes) : routes.map((route) => [route])) {
    let changed = false;
    // Each of a type's names gets a request; the route's requests go to them in turn.
    for (let i = 0; i < Math.max(profile.fuzzPerRoute, names.length); i++) {
      const route = names[i % names.length]!;
      requested.add(route);
      const url = fillPath(r, route.url, world.a) + randomQuery(r);
      const headers = { ...randomHeaders(r), ...credentials(r, route, world.a) };
      const hasBody = route.method !== "GET" && route.method !== "DELETE" && route.method !== "OPTIONS" && route.method !== "TRACE";
      const body = hasBody ? randomBody(r) : undefined;
      if (body?.contentType) headers["content-type"] = body.contentType;
      requests++;
      try {
        const request: Probe = { method: route.method, url, headers, ...(body ? { body: body.body } : {}) };
        // In-process unless the request's size is for the HTTP parser to refuse (see injectProbe).
        const res = needsWire(request) ? await probe(world.server.url, request) : await injectProbe(world.server.app, request);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        slowest = Math.max(slowest, res.ms);
        changed ||= route.method !== "GET" && res.status < 300;
        const problem = wellFormedRefusal(res);
        if (problem) failures.push(`${route.method} ${url.slice(0, 120)}: ${problem}`);
      } catch (e) {
        failures.push(`${route.method} ${url.slice(0, 120)}: ${(e as Error).message}`);
      }
    }
    if (changed) await heal(world);
  }
  check(requested.size === routes.length, `${routes.length - requested.size} of ${routes.length} routes got no request`);
  check(failures.length === 0, `${failures.length} of ${requests} requests failed (seed ${SEED}): ${failures.slice(0, 3).join(" | ")}`);
  const byClass = [...statuses].reduce<Record<string, number>>(
    (acc, [s, n]) => ((acc[`${String(s)[0]}xx`] = (acc[`${String(s)[0]}xx`] ?? 0) + n), acc),
    {},
  );
  return `${routes.length} routes, ${requests} requests (${Object.entries(byClass)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ")}), slowest ${Math.round(slowest)} ms`;
}

const under =
  (...prefixes: string[]) =>
  (r: RouteEntry) =>
    prefixes.some((p) => r.url.startsWith(p));

export const fuzzGroup: CaseGroup<World> = {
  name: "API fuzzing",
  open: () => openWorld(),
  close: (w) => w.server.stop(),
  cases: [
    { name: "CRM objects and search (/crm/v3/objects)", run: (w, p) => fuzzRoutes(w, p, under("/crm/v3/objects")) },
    { name: "CRM properties and owners", run: (w, p) => fuzzRoutes(w, p, under("/crm/v3/properties", "/crm/v3/owners")) },
    { name: "CRM associations (/crm/v4)", run: (w, p) => fuzzRoutes(w, p, under("/crm/v4")) },
    {
      name: "projects, builds and deploys",
      run: (w, p) =>
        fuzzRoutes(
          w,
          p,
          under("/developer/", "/dfs/", "/project-components-external/", "/git-webhooks/", "/firealarm/", "/apps-dev/", "/content/"),
        ),
    },
    { name: "console API (/api/v1) and sessions", run: (w, p) => fuzzRoutes(w, p, under("/api/v1/")) },
    {
      name: "functions, secrets, tokens and the rest",
      run: (w, p) =>
        fuzzRoutes(
          w,
          p,
          (r) => !/^\/(crm|developer|dfs|project-components-external|git-webhooks|firealarm|apps-dev|content|api\/v1)\//.test(r.url),
        ),
    },
  ],
};
