/**
 * What went wrong, in the domain's terms. Domains throw these and know no HTTP; the one edge that answers requests
 * (http/error-handler.ts) gives each kind its status. A job (a deploy) reads the kind to decide retry or fail.
 */
export type ErrorKind =
  /** The input cannot be used as given; sending it again fails again. */
  | "invalid"
  /** The caller is not who it claims, or did not say. */
  | "unauthenticated"
  /** The caller is known and may not do this. */
  | "forbidden"
  | "not_found"
  /** The input clashes with what is stored (a name taken, a lock held). */
  | "conflict"
  /** Input over a size the domain accepts. */
  | "too_large"
  /** A rate or quota is used up; the same call succeeds later. */
  | "limit"
  /** Something the domain needs is not running here; the same call may succeed later or elsewhere. */
  | "unavailable";

/** HubSpot's error categories that Sprocket emits: part of the product's vocabulary, so domains choose them. */
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

/** One entry of HubSpot's `errors` list. */
export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, unknown>;
}

/** The category a kind has unless the thrower names another (MISSING_SCOPES is a `forbidden` too). */
const CATEGORY_OF: Record<ErrorKind, ErrorCategory> = {
  invalid: "VALIDATION_ERROR",
  unauthenticated: "INVALID_AUTHENTICATION",
  forbidden: "USER_DOES_NOT_HAVE_PERMISSIONS",
  not_found: "OBJECT_NOT_FOUND",
  conflict: "CONFLICT",
  too_large: "PAYLOAD_TOO_LARGE",
  limit: "RATE_LIMITS",
  unavailable: "INTERNAL_ERROR",
};

export interface ErrorDetails {
  category?: ErrorCategory;
  subCategory?: string;
  errors?: ErrorDetail[];
  context?: Record<string, unknown>;
  links?: Record<string, string>;
  /** For `limit`: when the same call may succeed again, and the policy that refused it. */
  retry?: { afterSeconds: number; policy?: string };
  /** HubSpot's own body for this refusal, sent instead of the standard one (its rate-limit bodies, which its SDK parses). */
  hubspotBody?: Record<string, unknown>;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = "DomainError";
  }

  get category(): ErrorCategory {
    return this.details.category ?? CATEGORY_OF[this.kind];
  }
}

export const invalid = (message: string, errors?: ErrorDetail[], context?: Record<string, unknown>) =>
  new DomainError("invalid", message, { ...(errors ? { errors } : {}), ...(context ? { context } : {}) });

export const notFound = (message: string, details?: ErrorDetails) => new DomainError("not_found", message, details);

export const conflict = (message: string, details?: ErrorDetails) => new DomainError("conflict", message, details);

export const forbidden = (message: string, details?: ErrorDetails) => new DomainError("forbidden", message, details);

export const unauthenticated = (
  message = "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
) => new DomainError("unauthenticated", message);
