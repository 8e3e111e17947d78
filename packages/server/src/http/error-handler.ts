import { randomUUID } from "node:crypto";
import type { FastifyError, FastifyInstance } from "fastify";
import { ApiError } from "./api-error";

/** The one place where errors become HubSpot's error body, with JSON content type on every response. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const correlationId = randomUUID();
    const apiError = toApiError(err);
    if (apiError.statusCode >= 500) request.log.error({ err, correlationId }, "request failed");
    if (apiError.extra.headers) reply.headers(apiError.extra.headers);
    return reply.status(apiError.statusCode).type("application/json").send(apiError.body(correlationId));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type("application/json")
      .send(new ApiError(404, "RESOURCE_NOT_FOUND", `No route matches ${request.method} ${request.url.split("?")[0]}.`).body()),
  );
}

function toApiError(err: FastifyError | ApiError): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as FastifyError).code;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE") return new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this endpoint accepts.");
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", err.message);
  if (code === "FST_ERR_VALIDATION") return new ApiError(400, "VALIDATION_ERROR", err.message);
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new ApiError(status, "VALIDATION_ERROR", err.message);
  return new ApiError(500, "INTERNAL_ERROR", "Internal error. The correlation id identifies it in the server log.");
}
