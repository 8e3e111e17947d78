import type { FastifyInstance } from "fastify";
import { DomainError } from "../errors/domain-error";
import { parseRequestJson } from "../util/safe-json";

/**
 * HubSpot clients send `Content-Type: application/json` with empty bodies (e.g. PUT .../associations/default),
 * so an empty body is accepted; a malformed one gets a message naming where parsing stopped.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(/^application\/(.+\+)?json/, { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, parseRequestJson(text));
    } catch (e) {
      done(e instanceof DomainError ? e : new DomainError("invalid", `Invalid input JSON: ${(e as Error).message}`), undefined);
    }
  });
}
