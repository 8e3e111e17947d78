import { randomUUID } from "node:crypto";
import type { ErrorCategory, ErrorDetail } from "../errors/domain-error";

export type { ErrorCategory, ErrorDetail } from "../errors/domain-error";

/**
 * An error as HubSpot sends it: a status and its body. Only the HTTP edge makes these (routes, http/); domains throw
 * DomainError, which the error handler turns into one of these.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly category: ErrorCategory,
    message: string,
    readonly extra: {
      subCategory?: string;
      errors?: ErrorDetail[];
      context?: Record<string, unknown>;
      links?: Record<string, string>;
      headers?: Record<string, string>;
      /** A body sent as it is (with fresh ids) instead of the standard one: HubSpot's rate-limit bodies. */
      hubspotBody?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(correlationId: string = randomUUID()): Record<string, unknown> {
    const { subCategory, errors, context, links, hubspotBody } = this.extra;
    if (hubspotBody) return { ...hubspotBody, correlationId, requestId: randomUUID() };
    return {
      status: "error",
      message: this.message,
      correlationId,
      category: this.category,
      ...(subCategory ? { subCategory } : {}),
      ...(errors ? { errors } : {}),
      ...(context ? { context } : {}),
      ...(links ? { links } : {}),
    };
  }
}
