import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "./api-error";
import { DomainError, type ErrorKind } from "../errors/domain-error";

/** The one place where errors become HubSpot's error body, with JSON content type on every response. */
export function registerErrorHandling(app: FastifyInstance, log: FastifyBaseLogger): void {
  app.setErrorHandler((err: FastifyError | ApiError | DomainError, request, reply) => {
    const correlationId = randomUUID();
    const apiError = toApiError(err);
    if (apiError.statusCode >= 500) log.error({ err, correlationId }, "request failed");
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

/**
 * Errors Fastify raises before routing (a malformed percent-encoding in the path, a parameter over the length cap)
 * skip the error handler; this gives them HubSpot's body too. Passed as the `frameworkErrors` option.
 */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  void reply
    .status(status)
    .type("application/json")
    .send(new ApiError(status, "VALIDATION_ERROR", err.message).body());
}

/**
 * Requests Node's HTTP parser refuses (headers or URL over 16 KB, malformed lines, a client too slow) never reach
 * Fastify; they get HubSpot's body as well. Passed as the `clientErrorHandler` option.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, category, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? ([431, "VALIDATION_ERROR", "The request's URL and headers exceed 16 KB."] as const)
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ([408, "VALIDATION_ERROR", "The request did not arrive in time."] as const)
        : ([400, "VALIDATION_ERROR", "The request is not valid HTTP."] as const);
  const body = JSON.stringify(new ApiError(status, category, message).body());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** The status each kind of domain error answers with; the category and details are the domain's. */
const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  limit: 429,
  unavailable: 503,
};

function fromDomainError(e: DomainError): ApiError {
  const { subCategory, errors, context, links, retry, hubspotBody } = e.details;
  const headers = retry
    ? { "Retry-After": String(retry.afterSeconds), ...(retry.policy ? { "X-Sprocket-RateLimit-Policy": retry.policy } : {}) }
    : undefined;
  return new ApiError(STATUS_OF[e.kind], e.category, e.message, { subCategory, errors, context, links, headers, hubspotBody });
}

function toApiError(err: FastifyError | ApiError | DomainError): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  const code = (err as FastifyError).code;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this endpoint accepts.");
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", err.message);
  if (code === "FST_ERR_VALIDATION") return new ApiError(400, "VALIDATION_ERROR", err.message);
  // PostgreSQL's data exceptions (SQLSTATE class 22: a NUL in text, an integer past int8, NaN) come from values in
  // the request that SQLite would simply not have matched.
  if (/^22[0-9A-Z]{3}$/.test(code ?? "") && "severity" in err) {
    return new ApiError(
      400,
      "VALIDATION_ERROR",
      "A value in the request cannot be used: it holds a NUL character or a number out of range.",
    );
  }
  if (isEngineLimit(err)) {
    return new ApiError(
      400,
      "VALIDATION_ERROR",
      "The request holds more values than one database statement can take; send fewer (for example at most 100 values per search filter, 100 inputs per batch).",
      {
        errors: [{ message: "Too many values in one request", code: "TOO_MANY_VALUES" }],
      },
    );
  }
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new ApiError(status, "VALIDATION_ERROR", err.message);
  return new ApiError(500, "INTERNAL_ERROR", "Internal error. The correlation id identifies it in the server log.");
}

/**
 * The engines' own size limits, reached by a request with too many values at once. The routes cap their arrays
 * (search values, batch inputs); this catches any list that slips past them, as a 400 instead of a 500: SQLite's
 * bound-variable, compound-select and expression-depth limits, PostgreSQL's program-limit class (54: statement too
 * complex, too many arguments) and its bind message, whose 16-bit parameter count overflows past 65,535.
 */
function isEngineLimit(err: Error & { code?: unknown }): boolean {
  const code = typeof err.code === "string" ? err.code : "";
  if (code === "SQLITE_TOOBIG") return true;
  if (code === "SQLITE_ERROR")
    return /too many SQL variables|too many terms in compound SELECT|Expression tree is too large/.test(err.message);
  if (!("severity" in err)) return false;
  return /^54[0-9A-Z]{3}$/.test(code) || (code === "08P01" && err.message.startsWith("bind message"));
}
