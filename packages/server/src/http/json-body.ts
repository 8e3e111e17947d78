import type { FastifyInstance } from "fastify";
import { ApiError } from "./api-error";

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
      done(null, JSON.parse(text));
    } catch (e) {
      done(new ApiError(400, "VALIDATION_ERROR", `Invalid input JSON: ${(e as Error).message}`), undefined);
    }
  });
}
