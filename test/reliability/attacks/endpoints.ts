import { ProjectApi } from "../../../packages/server/test/support/project-api";
import { ENDPOINTS_PROJECT, deployProjectDir, respondWith } from "../../../packages/server/test/support/endpoint-project";
import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { World } from "../world";

/** A and B both deploy the endpoints project (same paths: B squats A's), once per world. */
const deployed = new WeakMap<World, Promise<void>>();
function withProjects(w: World): Promise<void> {
  let pending = deployed.get(w);
  if (!pending) {
    pending = (async () => {
      await deployProjectDir(new ProjectApi(w.server.url, w.a.personalAccessKey), ENDPOINTS_PROJECT);
      await deployProjectDir(new ProjectApi(w.server.url, w.b.personalAccessKey), ENDPOINTS_PROJECT);
    })();
    deployed.set(w, pending);
  }
  return pending;
}

const endpoint = (w: World, accountId: number, path: string, query = "") => `/${accountId}/_hcms/api/${path}${query ? `?${query}` : ""}`;

/**
 * Boundary: a tenant's public endpoint functions against the console's users and other tenants. Enforced by the
 * endpoint listener (functions/endpoint-server.ts, endpoint-response.ts): its own origin, the account in the URL,
 * CSP sandbox, a header allow-list, 502 for bad output, a per-account limit, no exception text.
 */
export const endpointsAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "F2: B's endpoint HTML is not served on the console origin, and where it is served it is sandboxed and plants no cookie",
    run: async (w) => {
      await withProjects(w);
      const onConsole = await probe(w.server.url, {
        method: "GET",
        url: `/_hcms/api/atk/page?portalId=${w.b.accountId}`,
        headers: { accept: "text/html", cookie: w.a.admin.cookie },
      });
      check(
        onConsole.status === 404 && !(onConsole.headers.get("content-type") ?? "").includes("text/html"),
        `the console origin answered B's page: ${onConsole.status} ${onConsole.headers.get("content-type")}`,
      );
      const consoleOrigin = new URL(w.server.url).origin;
      check(new URL(w.server.functionsUrl).origin !== consoleOrigin, `endpoints share the console's origin ${consoleOrigin}`);
      const page = await probe(w.server.functionsUrl, {
        method: "GET",
        url: endpoint(w, w.b.accountId, "atk/page"),
        headers: { accept: "text/html", cookie: w.a.admin.cookie },
      });
      check(page.status === 200, `B's page on the endpoint listener: ${page.status}`);
      const csp = page.headers.get("content-security-policy") ?? "";
      check(
        /(^|;)\s*sandbox\s*(;|$)/.test(csp) && csp.includes("default-src 'none'"),
        `no CSP sandbox on B's HTML: ${JSON.stringify(csp)}`,
      );
      check(page.headers.get("x-content-type-options") === "nosniff", "no nosniff on B's HTML");
      check(page.headers.getSetCookie().length === 0, `B's page set cookies: ${page.headers.getSetCookie().join(" | ")}`);
      check(page.headers.get("x-accel-redirect") === null, "B's X-Accel-Redirect reached the proxy");
      check(page.headers.get("transfer-encoding") === null, "B's transfer-encoding went out beside content-length");
      return "console origin: 404 JSON; endpoint origin: CSP sandbox + nosniff, no Set-Cookie, no X-Accel-Redirect, one framing";
    },
  },
  {
    name: "F2: a function's redirect goes to absolute http(s) URLs only",
    run: async (w) => {
      await withProjects(w);
      const refused: string[] = [];
      for (const location of [
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
      ]) {
        const res = await probe(w.server.functionsUrl, {
          method: "GET",
          url: endpoint(w, w.b.accountId, "probe", respondWith({ statusCode: 302, headers: { location } })),
        });
        if (res.headers.get("location") !== null) refused.push(`${location} → ${res.headers.get("location")}`);
      }
      check(refused.length === 0, `locations passed on: ${refused.join(", ")}`);
      return "scheme-relative, backslash, javascript: and data: locations dropped";
    },
  },
  {
    name: "F11: B deploying A's endpoint path neither answers on A's URL nor breaks it",
    run: async (w) => {
      await withProjects(w);
      const viaPath = await probe(w.server.functionsUrl, { method: "GET", url: endpoint(w, w.a.accountId, "probe") });
      check(
        viaPath.status === 200 && viaPath.json?.accountId === w.a.accountId,
        `A's URL: ${viaPath.status} ${viaPath.text.slice(0, 120)}`,
      );
      const viaPortal = await probe(w.server.functionsUrl, { method: "GET", url: `/_hcms/api/probe?portalId=${w.a.accountId}` });
      check(
        viaPortal.status === 200 && viaPortal.json?.accountId === w.a.accountId,
        `A's ?portalId= URL: ${viaPortal.status} ${viaPortal.text.slice(0, 120)}`,
      );
      const mixed = await probe(w.server.functionsUrl, {
        method: "GET",
        url: endpoint(w, w.a.accountId, "probe", `portalId=${w.b.accountId}`),
      });
      check(mixed.status === 400, `A's URL naming B too: ${mixed.status} ${mixed.text.slice(0, 120)}`);
      return "A's URL (path and ?portalId=) answered by A's function; a URL naming both accounts is a 400";
    },
  },
  {
    name: "F9: bad function output (status 1000, 99, CRLF header, bad header name) is a 502 with a trace id, and the listener keeps serving",
    run: async (w) => {
      await withProjects(w);
      const wrong: string[] = [];
      for (const value of [
        { statusCode: 1000 },
        { statusCode: 99 },
        { statusCode: 200, headers: { "x-a": "1\r\nSet-Cookie: planted=1" } },
        { statusCode: 200, headers: { "bad name": "x" } },
      ]) {
        const res = await probe(w.server.functionsUrl, { method: "GET", url: endpoint(w, w.b.accountId, "probe", respondWith(value)) });
        const traceId = res.headers.get("x-sprocket-trace-id") ?? "";
        if (
          res.status !== 502 ||
          res.json?.status !== "error" ||
          !traceId ||
          !String(res.json?.message).includes(traceId) ||
          res.headers.getSetCookie().length
        )
          wrong.push(`${JSON.stringify(value)} → ${res.status}`);
      }
      check(wrong.length === 0, `not a clean 502: ${wrong.join(", ")}`);
      const after = await probe(w.server.functionsUrl, { method: "GET", url: endpoint(w, w.a.accountId, "probe") });
      check(after.status === 200, `the listener after bad output: ${after.status}`);
      return "4 bad outputs: 502 with HubSpot's body and the trace id; next call 200";
    },
  },
  {
    name: "F16: a function's exception text is not returned to an anonymous caller",
    run: async (w) => {
      await withProjects(w);
      const res = await probe(w.server.functionsUrl, {
        method: "GET",
        url: endpoint(w, w.a.accountId, "probe", "throw=db password is hunter2 at 10.0.0.5"),
      });
      check(res.status === 500, `a throwing function: ${res.status}`);
      check(!res.text.includes("hunter2") && !res.text.includes("10.0.0.5"), `exception text returned: ${res.text.slice(0, 200)}`);
      check(/[0-9a-f]{32}/.test(res.json?.message ?? ""), `no trace id in ${res.text.slice(0, 200)}`);
      return "500 with a generic message and the trace id";
    },
  },
  {
    name: "F16: anonymous calls to one account's endpoints are rate limited (429 with Retry-After)",
    run: async (w) => {
      await withProjects(w);
      const limit = w.server.platform.config.endpoints.callsPerMinute;
      const url = endpoint(w, w.b.accountId, "probe");
      let limited: Awaited<ReturnType<typeof probe>> | undefined;
      // A flood from one caller, a few at a time: past the limit, calls are refused before any function runs.
      for (let sent = 0; sent <= limit + 10 && !limited; sent += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => probe(w.server.functionsUrl, { method: "GET", url })));
        limited = batch.find((r) => r.status === 429);
      }
      check(limited !== undefined, `no 429 after ${limit + 10} calls a minute`);
      check(
        Number(limited.headers.get("retry-after")) >= 1 && limited.json?.category === "RATE_LIMITS",
        `429 without Retry-After or HubSpot's body: ${limited.headers.get("retry-after")} ${limited.text.slice(0, 120)}`,
      );
      const other = await probe(w.server.functionsUrl, { method: "GET", url: endpoint(w, w.a.accountId, "probe") });
      check(other.status === 200, `another account's endpoint during B's flood: ${other.status}`);
      return `429 with Retry-After ${limited.headers.get("retry-after")} s past ${limit} calls a minute; A's endpoint still 200`;
    },
  },
];
