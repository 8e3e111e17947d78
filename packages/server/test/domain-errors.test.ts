import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify, { type FastifyInstance } from "fastify";
import { registerErrorHandling } from "../src/http/error-handler";
import { DomainError, type ErrorKind } from "../src/errors/domain-error";

let app: FastifyInstance;
const thrown = new Map<string, DomainError>();

beforeAll(async () => {
  app = Fastify();
  registerErrorHandling(app, app.log);
  app.get<{ Params: { name: string } }>("/throw/:name", async (request) => {
    throw thrown.get(request.params.name)!;
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

async function answer(name: string, e: DomainError) {
  thrown.set(name, e);
  const res = await app.inject({ method: "GET", url: `/throw/${name}` });
  return { status: res.statusCode, headers: res.headers, body: res.json() as Record<string, unknown> };
}

describe("the edge's mapping of domain errors", () => {
  it("gives each kind its status and default HubSpot category, in HubSpot's body", async () => {
    const expected: Array<[ErrorKind, number, string]> = [
      ["invalid", 400, "VALIDATION_ERROR"],
      ["unauthenticated", 401, "INVALID_AUTHENTICATION"],
      ["forbidden", 403, "USER_DOES_NOT_HAVE_PERMISSIONS"],
      ["not_found", 404, "OBJECT_NOT_FOUND"],
      ["conflict", 409, "CONFLICT"],
      ["too_large", 413, "PAYLOAD_TOO_LARGE"],
      ["limit", 429, "RATE_LIMITS"],
      ["unavailable", 503, "INTERNAL_ERROR"],
    ];
    for (const [kind, status, category] of expected) {
      const res = await answer(kind, new DomainError(kind, `a ${kind} error`));
      expect(res.status).toBe(status);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(["status", "message", "correlationId", "category"]);
      expect(res.body).toMatchObject({ status: "error", message: `a ${kind} error`, category });
    }
  });

  it("keeps a named category and the details in HubSpot's key order", async () => {
    const e = new DomainError("forbidden", "Missing scopes.", {
      category: "MISSING_SCOPES",
      links: { scopes: "https://developers.hubspot.com/scopes" },
      context: { requiredGranularScopes: ["crm.objects.contacts.read"] },
      errors: [{ message: "One or more of the following scopes are required." }],
      subCategory: "SCOPES",
    });
    const res = await answer("scopes", e);
    expect(res.status).toBe(403);
    expect(Object.keys(res.body)).toEqual(["status", "message", "correlationId", "category", "subCategory", "errors", "context", "links"]);
    expect(res.body).toMatchObject({
      category: "MISSING_SCOPES",
      subCategory: "SCOPES",
      links: { scopes: "https://developers.hubspot.com/scopes" },
    });
  });

  it("sends a rate limit's own HubSpot body with its retry headers", async () => {
    const body = { status: "error", message: "You have reached your secondly limit.", errorType: "RATE_LIMIT" };
    const res = await answer(
      "limit-body",
      new DomainError("limit", body.message, { hubspotBody: body, retry: { afterSeconds: 3, policy: "SECONDLY" } }),
    );
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ "retry-after": "3", "x-sprocket-ratelimit-policy": "SECONDLY" });
    expect(Object.keys(res.body)).toEqual(["status", "message", "errorType", "correlationId", "requestId"]);
    expect(res.body).toMatchObject(body);
  });
});
