import { DomainError, type ErrorKind } from "../errors/domain-error";

/** The `status` values of HubSpot's OAuth error bodies. */
export type OAuthErrorStatus =
  | "BAD_CLIENT_ID"
  | "BAD_CLIENT_SECRET"
  | "BAD_AUTH_CODE"
  | "EXPIRED_AUTH_CODE"
  | "BAD_REFRESH_TOKEN"
  | "BAD_REDIRECT_URI"
  | "MISMATCH_REDIRECT_URI_AUTH_CODE"
  | "BAD_GRANT_TYPE"
  | "BAD_SCOPES"
  | "NOT_SUPER_ADMIN";

/** A refusal in HubSpot's OAuth shape, `{ status, message, correlationId }`, which its SDK and apps parse. */
export function oauthError(status: OAuthErrorStatus, message: string, kind: ErrorKind = "invalid"): DomainError {
  return new DomainError(kind, message, { hubspotBody: { status, message } });
}
