import { createHash } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { runCli } from "../../../packages/cli/test/run-cli";
import { newSpanId, newTraceId } from "../../../packages/server/src/logs/trace-context";
import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { Session, World } from "../world";

const asSession = (s: Session) => ({ cookie: s.cookie, "x-csrf-token": s.csrf, "content-type": "application/json" });
const event = (appId: number, fields: Record<string, unknown>) =>
  JSON.stringify({
    appId,
    cardUid: "attack-card",
    location: "crm.record.tab",
    kind: "LOG",
    level: "warn",
    message: "m",
    traceId: newTraceId(),
    spanId: newSpanId(),
    ...fields,
  });
/** Raw C0 (newline aside), DEL and C1: what must never reach a terminal from `sprocket logs`. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

async function signedInCli(w: World): Promise<NodeJS.ProcessEnv> {
  const env = { SPROCKET_CONFIG_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-attack-cli-")), "config.yml") };
  const auth = await runCli(["auth", "--server", w.server.url, "--personal-access-key", w.a.personalAccessKey, "--name", "a"], env);
  check(auth.code === 0, `A could not sign in with the CLI: ${auth.stderr}`);
  return env;
}

/** Boundary: the console's card host and the CLI (review-2 L1–L4, I1, M1's CLI half); see docs/security/client.md. */
export const clientAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "review-2 L4: a member cannot plant terminal escapes in an extension event's card uid or location",
    run: async (w) => {
      const forged = await probe(w.server.url, {
        method: "POST",
        url: "/api/v1/extension-events",
        headers: asSession(w.a.member),
        body: event(w.a.appId, {
          cardUid: "evil-card\u001b[2K\r\u001b]0;PWNED-TITLE\u0007",
          location: "crm.record.tab\nINJECTED LINE: deploy succeeded",
        }),
      });
      check(forged.status === 400, `forged card uid/location answered ${forged.status} (expected 400)`);
      const listed = await probe(w.server.url, {
        method: "GET",
        url: `/api/v1/private-apps/${w.a.appId}/logs/extensions?limit=200`,
        headers: { authorization: `Bearer ${w.a.developerToken}` },
      });
      const planted = (listed.json?.results ?? []).filter(
        (r: { cardUid: string; location: string }) =>
          RAW_CONTROL.test(r.cardUid) || RAW_CONTROL.test(r.location) || /\n/.test(r.cardUid + r.location),
      );
      check(planted.length === 0, `stored card uids/locations with control characters: ${JSON.stringify(planted)}`);
      return "400 naming cardUid and location; nothing stored";
    },
  },
  {
    name: "review-2 L4: escapes in an extension event's message reach `sprocket logs extensions` only as visible stand-ins",
    run: async (w) => {
      const message = "\u001b[1A\u001b[2Kline1\nline2 forged\u001b]0;PWNED-TITLE\u0007";
      const sent = await probe(w.server.url, {
        method: "POST",
        url: "/api/v1/extension-events",
        headers: asSession(w.a.member),
        body: event(w.a.appId, { cardUid: "escape-card", message }),
      });
      check(sent.status === 202, `the member's event answered ${sent.status} (expected 202)`);
      await w.server.platform.logs.flush();
      const env = await signedInCli(w);
      const table = await runCli(["logs", "extensions", "--card", "escape-card"], env);
      check(
        table.code === 0 && table.stdout.includes("escape-card"),
        `sprocket logs extensions failed or missed the event: ${table.stderr}`,
      );
      check(!RAW_CONTROL.test(table.stdout), `raw control characters reached the terminal: ${JSON.stringify(table.stdout)}`);
      check(table.stdout.includes("␛[1A␛[2Kline1⏎line2"), `the message's stand-ins are missing: ${JSON.stringify(table.stdout)}`);
      return "printed as ␛[1A␛[2Kline1⏎line2…";
    },
  },
  {
    name: "B cannot log extension events against A's app",
    run: async (w) => {
      const res = await probe(w.server.url, {
        method: "POST",
        url: "/api/v1/extension-events",
        headers: asSession(w.b.admin),
        body: event(w.a.appId, { cardUid: "b-into-a" }),
      });
      check(res.status === 400, `B's event for A's app answered ${res.status} (expected 400)`);
      return "400: not a private app of B's account";
    },
  },
  {
    name: "review-2 I1: a 307 on the key exchange does not carry A's personal access key to another host",
    run: async (w) => {
      const received: string[] = [];
      const elsewhere = createServer((request, response) => {
        request.on("data", (chunk) => received.push(String(chunk)));
        request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end("{}"));
      });
      const redirecting = createServer((request, response) => {
        request.resume();
        response.writeHead(307, { location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}${request.url}` }).end();
      });
      await Promise.all([elsewhere, redirecting].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
      try {
        const env = { SPROCKET_CONFIG_PATH: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-attack-cli-")), "config.yml") };
        const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
        const res = await runCli(["auth", "--server", url, "--personal-access-key", w.a.personalAccessKey], env);
        check(received.length === 0, `the redirect target received ${JSON.stringify(received.join(""))}`);
        check(res.code === 1 && res.stderr.includes("redirected"), `the CLI did not refuse the redirect: exit ${res.code}, ${res.stderr}`);
        return "refused with exit 1; the other host got nothing";
      } finally {
        await Promise.all([elsewhere, redirecting].map((s) => new Promise((resolve) => s.close(resolve))));
      }
    },
  },
  {
    name: "review-2 M1 (CLI half): after A's CLI tokens were revoked server-side, the CLI exchanges its key again and works",
    run: async (w) => {
      const env = await signedInCli(w);
      // Only the token this CLI cached goes (as a revocation would take it): the world's own tokens stay for other cases.
      const cached = YAML.parse(fs.readFileSync(env.SPROCKET_CONFIG_PATH!, "utf8")).accounts[0].auth.tokenInfo.accessToken as string;
      const hash = createHash("sha256").update(cached).digest("hex");
      const deleted = await w.server.platform.store.db.deleteFrom("developer_tokens").where("token_hash", "=", hash).executeTakeFirst();
      check(Number(deleted.numDeletedRows) === 1, "the CLI's cached token was not found to revoke");
      const res = await runCli(["apps", "list", "--json"], env);
      check(res.code === 0, `apps list after the revocation: exit ${res.code}, ${res.stderr}`);
      return "re-exchanged once; apps list answered";
    },
  },
];
