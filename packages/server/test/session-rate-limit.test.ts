import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startTestServer, type TestServer } from "./support/test-server";

/** F12: CRM calls made with a console session count against the signed-in user's own limits. */
let server: TestServer;
let headers: Record<string, string>;
const clock = manualClock();

beforeAll(async () => {
  server = await startTestServer({ demoCrm: false, clock });
  const { email, password } = server.bootstrap.info.superAdmin;
  const res = await server.app.inject({
    method: "POST",
    url: "/api/v1/session",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password }),
  });
  const cookie = String(res.headers["set-cookie"]).split(";")[0]!;
  headers = { cookie, "x-csrf-token": res.json().csrfToken, "content-type": "application/json" };
});
afterAll(async () => {
  await server.stop();
});

const expectHubSpot429 = (res: { statusCode: number; headers: Record<string, unknown>; json(): any }, policy: string) => {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toMatchObject({ status: "error", errorType: "RATE_LIMIT", correlationId: expect.any(String) });
  expect(res.headers["x-sprocket-ratelimit-policy"]).toBe(policy);
  expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
};

describe("console session rate limits", () => {
  it("answers 429 after 100 CRM calls in 10 seconds, with HubSpot's body and Retry-After", async () => {
    for (let i = 0; i < 100; i++)
      expect((await server.app.inject({ method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers })).statusCode).toBe(200);
    const over = await server.app.inject({ method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers });
    expectHubSpot429(over, "TEN_SECONDLY_ROLLING");
    expect(over.json()).toMatchObject({ policyName: "TEN_SECONDLY_ROLLING", message: "You have reached your ten_secondly_rolling limit." });
    clock.advance(10_001);
    expect((await server.app.inject({ method: "GET", url: "/crm/v3/objects/contacts?limit=1", headers })).statusCode).toBe(200);
  });

  it("holds search to 10 a second", async () => {
    const search = () =>
      server.app.inject({ method: "POST", url: "/crm/v3/objects/contacts/search", headers, payload: JSON.stringify({ limit: 1 }) });
    for (let i = 0; i < 10; i++) expect((await search()).statusCode).toBe(200);
    expectHubSpot429(await search(), "SECONDLY");
    clock.advance(1001);
    expect((await search()).statusCode).toBe(200);
  });
});
