import http from "node:http";
import type { AddressInfo } from "node:net";
import { Signature } from "@hubspot/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appClientSecret } from "../src/apps/client-secret";
import { FETCH_MAX_RESPONSE_BYTES } from "../src/extensions/fetch-proxy";
import { newSpanId, newTraceId, traceparent } from "../src/logs/trace-context";
import { createTestApp } from "./support/test-apps";
import { startTestServer, type TestServer } from "./support/test-server";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: TestServer;
let receiver: http.Server;
let origin: string;
const received: Received[] = [];
let token: string;
let appId: number;
const CARD = "fetch-card";

beforeAll(async () => {
  // The receiver is on loopback: the operator setting lets cards reach it (the refusal test turns it off again).
  server = await startTestServer({ env: { SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const path = new URL(req.url!, "http://x").pathname;
      if (path === "/api/hold") return; // never answers: the proxy's deadline ends it
      if (path === "/api/big") return res.end("x".repeat(FETCH_MAX_RESPONSE_BYTES + 1));
      if (path === "/api/missing") return res.writeHead(404, { "content-type": "application/json" }).end('{"message":"no such deal"}');
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "s=1" }).end(JSON.stringify({ hello: "card", path }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const { accountId } = server.bootstrap.info;
  ({ appId } = await createTestApp(server.platform, accountId, {
    scopes: [],
    app: {
      permittedFetchUrls: [`${origin}/api`],
      cards: [{ uid: CARD, title: "Fetch card", location: "crm.record.tab", objectTypes: ["contacts"], bundle: "cards/fetch-card.js" }],
    },
  }));
  const auth = await server.app.inject({
    method: "POST",
    url: "/localdevauth/v1/auth/refresh",
    payload: { encodedOAuthRefreshToken: server.bootstrap.info.personalAccessKey },
  });
  token = auth.json().oauthAccessToken;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await server.stop();
});

const proxy = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  server.app.inject({
    method: "POST",
    url: `/api/v1/card-fetch/${appId}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload: { cardUid: CARD, location: "crm.record.tab", objectTypeId: "0-1", objectId: 51, ...payload },
  });

async function fetchEvents(traceId: string) {
  await server.platform.logs.flush();
  return server.platform.store.db.selectFrom("extension_events").selectAll().where("trace_id", "=", traceId).execute();
}

describe("hubspot.fetch proxy", () => {
  it("sends a permitted request signed with the app's client secret, naming user, app and portal, and logs it in the card's trace", async () => {
    const traceId = newTraceId();
    const parent = newSpanId();
    const res = await proxy(
      {
        url: `${origin}/api/deals?stage=won`,
        method: "POST",
        body: { amount: 5 },
        headers: { Authorization: "Bearer backend-key", "X-Other": "dropped" },
      },
      { traceparent: traceparent(traceId, parent) },
    );
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ hello: "card", path: "/api/deals" });
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["set-cookie"]).toBeUndefined();

    const got = received.at(-1)!;
    const url = new URL(got.url, origin);
    const { accountId, superAdmin } = server.bootstrap.info;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      stage: "won",
      userId: expect.stringMatching(/^\d+$/),
      userEmail: superAdmin.email,
      appId: String(appId),
      portalId: String(accountId),
    });
    expect(got.body).toBe('{"amount":5}');
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers.authorization).toBe("Bearer backend-key");
    expect(got.headers["x-other"]).toBeUndefined();
    // The receiver's check, with HubSpot's own client.
    const clientSecret = await appClientSecret(server.platform, appId);
    expect(clientSecret).toMatch(/^[0-9a-f-]{36}$/);
    const check = {
      signatureVersion: "v3",
      clientSecret,
      method: "POST",
      url: url.href,
      requestBody: got.body,
      timestamp: Number(got.headers["x-hubspot-request-timestamp"]),
      signature: String(got.headers["x-hubspot-signature-v3"]),
    };
    expect(Signature.isValid(check)).toBe(true);
    expect(Signature.isValid({ ...check, clientSecret: "another-secret" })).toBe(false);

    const [event] = await fetchEvents(traceId);
    expect(event).toMatchObject({
      app_id: appId,
      card_uid: CARD,
      kind: "FETCH",
      level: "INFO",
      parent_span_id: parent,
      object_type_id: "0-1",
      object_id: "51",
    });
    expect(event!.message).toBe(`hubspot.fetch POST ${origin}/api/deals → 200`);
    expect(event!.message).not.toContain("userEmail");
  });

  it("hands the backend's own error statuses to the card as answers", async () => {
    const res = await proxy({ url: `${origin}/api/missing` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 404, body: '{"message":"no such deal"}' });
  });

  it("refuses URLs the app does not permit, before sending anything, and logs the refusal", async () => {
    const before = received.length;
    const traceId = newTraceId();
    for (const url of [
      `${origin}/apix`,
      `${origin}/other`,
      "http://127.0.0.2/api",
      "not a url",
      `http://user:pw@127.0.0.1:${new URL(origin).port}/api`,
    ]) {
      const res = await proxy({ url }, { traceparent: traceparent(traceId, newSpanId()) });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ status: "error", category: "VALIDATION_ERROR", subCategory: "HubSpotFetch.not-permitted" });
    }
    expect(res400Message(await proxy({ url: `${origin}/nope` }))).toContain("Add it to permittedUrls.fetch");
    expect(received.length).toBe(before);
    const events = await fetchEvents(traceId);
    expect(events).toHaveLength(5);
    expect(events.map((e) => ({ kind: e.kind, level: e.level }))).toEqual(Array(5).fill({ kind: "FETCH", level: "WARN" }));
    expect(events.map((e) => e.message).filter((m) => m.includes("user:pw"))).toEqual([]);
  });

  it("refuses private, loopback and metadata targets unless the operator allows them, and http unless allowed", async () => {
    const config = server.platform.config;
    config.cardFetchAllowPrivateNetwork = false;
    try {
      const res = await proxy({ url: `${origin}/api/deals` });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain("https:// URLs only");
    } finally {
      config.cardFetchAllowPrivateNetwork = true;
    }
    // Even when allowed, the cloud metadata address is never called.
    const { appId: metaApp } = await createTestApp(server.platform, server.bootstrap.info.accountId, {
      scopes: [],
      app: {
        permittedFetchUrls: ["http://169.254.169.254/latest", "https://127.0.0.1/"],
        cards: [{ uid: CARD, title: "t", location: "crm.record.tab", objectTypes: ["contacts"], bundle: "b.js" }],
      },
    });
    const meta = await server.app.inject({
      method: "POST",
      url: `/api/v1/card-fetch/${metaApp}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { cardUid: CARD, location: "crm.record.tab", url: "http://169.254.169.254/latest/meta-data" },
    });
    expect(meta.statusCode).toBe(400);
    expect(meta.json()).toMatchObject({ subCategory: "HubSpotFetch.address" });
    expect(meta.json().message).toContain("cloud metadata");
    config.cardFetchAllowPrivateNetwork = false;
    try {
      const loopback = await server.app.inject({
        method: "POST",
        url: `/api/v1/card-fetch/${metaApp}`,
        headers: { authorization: `Bearer ${token}` },
        payload: { cardUid: CARD, location: "crm.record.tab", url: "https://127.0.0.1/x" },
      });
      expect(loopback.statusCode).toBe(400);
      expect(loopback.json().message).toMatch(/127\.0\.0\.1 is a loopback address.*SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK/);
    } finally {
      config.cardFetchAllowPrivateNetwork = true;
    }
  });

  it("ends a request at its deadline, and refuses responses and bodies over the size limits", async () => {
    const traceId = newTraceId();
    const held = await proxy({ url: `${origin}/api/hold`, timeoutMs: 200 }, { traceparent: traceparent(traceId, newSpanId()) });
    expect(held.statusCode).toBe(504);
    expect(held.json().message).toContain("did not answer within 200 ms");
    const big = await proxy({ url: `${origin}/api/big` }, { traceparent: traceparent(traceId, newSpanId()) });
    expect(big.statusCode).toBe(502);
    expect(big.json()).toMatchObject({ category: "PAYLOAD_TOO_LARGE", subCategory: "HubSpotFetch.too-large" });
    const before = received.length;
    const tooBig = await proxy({ url: `${origin}/api/deals`, method: "POST", body: "y".repeat(1024 * 1024 + 1) });
    expect(tooBig.statusCode).toBe(413);
    expect(received.length).toBe(before);
    const events = await fetchEvents(traceId);
    expect(events.map((e) => e.level)).toEqual(["ERROR", "ERROR"]);
  });

  it("shows the client secret to super admins on request, recording that it was viewed", async () => {
    const res = await server.app.inject({
      method: "POST",
      url: `/api/v1/private-apps/${appId}/client-secret/reveal`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().clientSecret).toBe(await appClientSecret(server.platform, appId));
    const viewed = await server.platform.store.db.selectFrom("security_events").select("type").where("app_id", "=", appId).execute();
    expect(viewed.map((e) => e.type)).toContain("CLIENT_SECRET_VIEWED");
  });

  it("answers only for deployed cards of the caller's account", async () => {
    expect((await proxy({ url: `${origin}/api/x`, cardUid: "no-such-card" })).statusCode).toBe(404);
    const other = await server.app.inject({
      method: "POST",
      url: `/api/v1/card-fetch/999999`,
      headers: { authorization: `Bearer ${token}` },
      payload: { cardUid: CARD, location: "crm.record.tab", url: `${origin}/api/x` },
    });
    expect(other.statusCode).toBe(404);
    expect(
      (
        await server.app.inject({
          method: "POST",
          url: `/api/v1/card-fetch/${appId}`,
          payload: { cardUid: CARD, location: "crm.record.tab", url: `${origin}/api/x` },
        })
      ).statusCode,
    ).toBe(401);
    const bad = await proxy({ url: `${origin}/api/x`, method: "TRACE" });
    expect(bad.statusCode).toBe(400);
  });
});

function res400Message(res: { statusCode: number; json(): { message: string } }): string {
  expect(res.statusCode).toBe(400);
  return res.json().message;
}
