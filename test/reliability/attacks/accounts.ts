import { readFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { Session, World } from "../world";
import { startTestServer } from "../../../packages/server/test/support/test-server";

const withSession = (s: Session, json = true) => ({
  cookie: s.cookie,
  "x-csrf-token": s.csrf,
  ...(json ? { "content-type": "application/json" } : {}),
});
const isForbidden = (r: { status: number; json: any }) =>
  r.status === 403 && r.json?.status === "error" && r.json?.category === "USER_DOES_NOT_HAVE_PERMISSIONS";

/** Boundary: roles inside an account, sign-in, console sessions, personal access keys, the HTTPS listener (docs/security/accounts.md). */
export const accountsAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "F5: a member with role user cannot upload, deploy, link git, delete a project or touch secrets",
    run: async (w) => {
      const form = new FormData();
      form.set(
        "file",
        new Blob([new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)])], { type: "application/zip" }),
        "project.zip",
      );
      form.set("platformVersion", "2025.1");
      const attempts: Array<[string, string, string | FormData | undefined]> = [
        ["POST", "/developer/projects/v1", JSON.stringify({ name: "escalate" })],
        ["POST", "/dfs/v1/projects/upload/escalate", form],
        ["POST", "/dfs/deploy/v1/deploys/queue/async", JSON.stringify({ projectName: "escalate", buildId: 1 })],
        ["POST", "/dfs/deploy/v3/deploys/queue/async", JSON.stringify({ projectName: "escalate", targetBuildId: 1 })],
        [
          "PUT",
          "/developer/projects/v1/escalate/source-integration",
          JSON.stringify({ repositoryUrl: "https://git.example/x.git", branch: "main", webhookSecret: "0123456789abcdef-x" }),
        ],
        ["DELETE", "/developer/projects/v1/escalate", undefined],
        ["GET", "/cms/v3/functions/secrets", undefined],
        ["POST", "/cms/v3/functions/secrets", JSON.stringify({ key: "ESCALATE", secret: "x" })],
      ];
      const leaks: string[] = [];
      for (const [method, url, body] of attempts) {
        const res = await fetch(w.server.url + url, {
          method,
          headers: withSession(w.a.member, typeof body === "string"),
          ...(body === undefined ? {} : { body }),
        });
        const json = (await res.json().catch(() => undefined)) as any;
        if (!isForbidden({ status: res.status, json })) leaks.push(`${method} ${url} → ${res.status}`);
      }
      check(leaks.length === 0, `the user role got through: ${leaks.join(", ")}`);
      const admin = await probe(w.server.url, { method: "GET", url: "/cms/v3/functions/secrets", headers: withSession(w.a.admin, false) });
      check(admin.status === 200, `the super admin was refused too: ${admin.status}`);
      return `${attempts.length} develop actions: 403 USER_DOES_NOT_HAVE_PERMISSIONS for the user; the super admin is served`;
    },
  },
  {
    name: "F6/F13: 30 parallel wrong passwords, each with its own X-Forwarded-For, are at most 10 evaluated",
    run: async (w) => {
      const email = `ghost-${Date.now()}@attacker.example`;
      // Ten scrypts queue two at a time on a busy host: a long deadline, for hangs only.
      const tries = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          probe(
            w.server.url,
            {
              method: "POST",
              url: "/api/v1/session",
              headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i + 1}` },
              body: JSON.stringify({ email, password: `guess-${i}` }),
            },
            120_000,
          ),
        ),
      );
      const counts = tries.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
      check(
        (counts[401] ?? 0) <= 10 && (counts[429] ?? 0) >= 20 && (counts[401] ?? 0) + (counts[429] ?? 0) === 30,
        `statuses: ${JSON.stringify(counts)}`,
      );
      return `statuses ${JSON.stringify(counts)} (the forged X-Forwarded-For is not believed without SPROCKET_TRUST_PROXY)`;
    },
  },
  {
    name: "F12: a console session looping over the CRM API meets a 429",
    run: async (w) => {
      const tries = await Promise.all(
        Array.from({ length: 120 }, () =>
          probe(w.server.url, { method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers: { cookie: w.b.member.cookie } }),
        ),
      );
      const limited = tries.filter((r) => r.status === 429);
      check(limited.length > 0, `120 session calls: ${[...new Set(tries.map((r) => r.status))].join(",")} and no 429`);
      const first = limited[0]!;
      check(
        first.json?.errorType === "RATE_LIMIT" && Number(first.headers.get("retry-after")) > 0,
        `429 without HubSpot's body or Retry-After: ${first.text}`,
      );
      return `${tries.length - limited.length} served, ${limited.length} × 429 TEN_SECONDLY_ROLLING with Retry-After`;
    },
  },
  {
    name: "M1: B's admin, and A's plain member, cannot revoke A's personal access key",
    run: async (w) => {
      const p = w.server.platform;
      const key = await p.store.db
        .selectFrom("personal_access_keys")
        .select("id")
        .where("account_id", "=", w.a.accountId)
        .where("revoked_at", "is", null)
        .orderBy("id")
        .executeTakeFirstOrThrow();
      const fromB = await probe(w.server.url, {
        method: "DELETE",
        url: `/api/v1/personal-access-keys/${key.id}`,
        headers: withSession(w.b.admin, false),
      });
      const fromMember = await probe(w.server.url, {
        method: "DELETE",
        url: `/api/v1/personal-access-keys/${key.id}`,
        headers: withSession(w.a.member, false),
      });
      const still = await probe(w.server.url, {
        method: "GET",
        url: "/api/v1/accounts",
        headers: { authorization: `Bearer ${w.a.developerToken}` },
      });
      check(
        fromB.status === 404 && fromMember.status === 404,
        `revoke from B ${fromB.status}, from A's member ${fromMember.status} (expected 404 both)`,
      );
      check(still.status === 200, `A's CLI token after the attempts: ${still.status}`);
      return "404 for both; A's CLI token still answers 200";
    },
  },
  {
    name: "L5: beside an HTTPS listener, plain HTTP is redirected and the HTTPS session is a Secure __Host- cookie with HSTS",
    run: async () => {
      const server = await startTestServer({ demoCrm: false, env: { SPROCKET_HTTPS_PORT: "0" } });
      try {
        const credentials = JSON.stringify({
          email: server.bootstrap.info.superAdmin.email,
          password: server.bootstrap.info.superAdmin.password,
        });
        const plain = await fetch(`${server.url}/api/v1/session`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/json" },
          body: credentials,
        });
        check(
          plain.status === 308 &&
            plain.headers.get("location") === `${server.https!.url}/api/v1/session` &&
            plain.headers.get("set-cookie") === null,
          `sign-in over HTTP: ${plain.status} ${plain.headers.get("location")}`,
        );
        const ca = await readFile(server.https!.certPath, "utf8");
        const tls = await new Promise<{ status: number; cookie: string; hsts: string }>((resolve, reject) => {
          const req = httpsRequest(
            `${server.https!.url}/api/v1/session`,
            { method: "POST", ca, headers: { "content-type": "application/json" } },
            (res) => {
              res.resume();
              res.on("end", () =>
                resolve({
                  status: res.statusCode ?? 0,
                  cookie: String(res.headers["set-cookie"] ?? ""),
                  hsts: String(res.headers["strict-transport-security"] ?? ""),
                }),
              );
            },
          );
          req.on("error", reject);
          req.end(credentials);
        });
        check(
          tls.status === 200 &&
            /^__Host-sprocket_session=/.test(tls.cookie) &&
            /;\s*Secure/i.test(tls.cookie) &&
            /;\s*Path=\//.test(tls.cookie),
          `HTTPS cookie: ${tls.status} ${tls.cookie.replace(/=[^;]+/, "=…")}`,
        );
        check(tls.hsts.startsWith("max-age="), `HSTS: ${JSON.stringify(tls.hsts)}`);
        return `HTTP sign-in → 308 to HTTPS; HTTPS → __Host-sprocket_session; Secure; Path=/ and ${tls.hsts}`;
      } finally {
        await server.stop();
      }
    },
  },
];
