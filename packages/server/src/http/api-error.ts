import { randomUUID } from "node:crypto";

/** HubSpot's error categories that Sprocket emits. */
export type ErrorCategory =
  | "VALIDATION_ERROR"
  | "INVALID_AUTHENTICATION"
  | "EXPIRED_AUTHENTICATION"
  | "MISSING_SCOPES"
  | "USER_DOES_NOT_HAVE_PERMISSIONS"
  | "OBJECT_NOT_FOUND"
  | "RESOURCE_NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITS"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "INTERNAL_ERROR"
  | "GATED";

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, unknown>;
}

/** A domain error with a stable category; one place (the error handler) turns it into HubSpot's body. */
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
    } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(correlationId: string = randomUUID()): Record<string, unknown> {
    const { subCategory, errors, context, links } = this.extra;
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

export const unauthorized = (message = "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview") =>
  new ApiError(401, "INVALID_AUTHENTICATION", message);

export const notFound = (message: string) => new ApiError(404, "OBJECT_NOT_FOUND", message);

export const validationError = (message: string, errors?: ErrorDetail[], context?: Record<string, unknown>) =>
  new ApiError(400, "VALIDATION_ERROR", message, {
    ...(errors ? { errors } : {}),
    ...(context ? { context } : {}),
  });

export const forbidden = (message: string) => new ApiError(403, "USER_DOES_NOT_HAVE_PERMISSIONS", message);
