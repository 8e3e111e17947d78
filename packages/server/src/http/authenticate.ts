import type { FastifyContextConfig, FastifyReply, FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import type { Platform } from "../platform";
import type { DeveloperPrincipal } from "../accounts/developer-tokens";
import { resolveSession, type SessionPrincipal } from "../accounts/sessions";
import { DomainError, unauthenticated } from "../errors/domain-error";
import type { MaybePromise } from "../util/maybe-async";
import type { Permission } from "../accounts/permissions";

/** Who may call a route. Declared per route in `config.auth`; checked once, in one hook. */
export type AuthKind = "none" | "developer" | "session" | "user" | "app";

/** A person, signed in through the console (session) or the CLI (developer token). */
export interface UserPrincipal {
  accountId: number;
  userId: number;
  /** How logs and security events name the person (never a bare user id). */
  email: string;
  via: "session" | "developer";
}

/** How logs and security events name a person: their email, marked when the call came from the CLI (a developer token). */
export const actorLabel = (user: UserPrincipal): string => (user.via === "developer" ? `${user.email} (CLI)` : user.email);

export const SESSION_COOKIE = "sprocket_session";
/** Over HTTPS: a browser keeps a `__Host-` cookie only if it is Secure, Path=/ and bound to this very host. */
export const HTTPS_SESSION_COOKIE = "__Host-sprocket_session";

/**
 * The session cookie's name on this request's scheme, for setting and for reading alike. Each scheme reads only its
 * own name: a `sprocket_session` planted by whoever can write into plain-HTTP traffic (browsers send it to the HTTPS
 * origin too) never signs anyone in over HTTPS (L5).
 */
export const sessionCookieName = (request: FastifyRequest): string =>
  request.protocol === "https" ? HTTPS_SESSION_COOKIE : SESSION_COOKIE;

/**
 * The console's session id from the Cookie header, parsed only when a route asks for it: @fastify/cookie's hooks run
 * for the routes that set cookies (sign-in, sign-out), not on every API call.
 */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header ? cookie.parse(header)[sessionCookieName(request)] : undefined;
}

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: AuthKind;
    /** Checked after `auth` (accounts/permissions.ts): what the user's role must allow. */
    permission?: Permission;
  }
  interface FastifyRequest {
    developer?: DeveloperPrincipal;
    session?: SessionPrincipal;
    user?: UserPrincipal;
  }
}

/**
 * `config` is the route's own config, as the gate captured it when the route was added: `request.routeOptions` builds
 * a new object of twelve fields on every read, and the app gate reads the config on every CRM call.
 */
export type Authenticator = (p: Platform, request: FastifyRequest, reply: FastifyReply, config: FastifyContextConfig) => MaybePromise<void>;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  // The common spelling without a regular expression (every API call comes through here); any other through one.
  if (header.startsWith("Bearer ") && header.indexOf(" ", 7) < 0 && header.length > 7) return header.slice(7);
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

const developer: Authenticator = async (p, request) => {
  const token = bearerToken(request);
  const principal = token ? await p.accounts.developerTokens.resolve(token) : undefined;
  if (!principal) throw unauthenticated();
  // HubSpot's CLI appends ?portalId= to every call; it must name the token's own account.
  const portalId = (request.query as Record<string, unknown> | undefined)?.portalId;
  if (portalId !== undefined && String(portalId) !== String(principal.accountId)) {
    throw new DomainError("forbidden", `This token belongs to account ${principal.accountId}, not ${String(portalId)}.`);
  }
  request.developer = principal;
  request.user = { accountId: principal.accountId, userId: principal.userId, email: principal.email, via: "developer" };
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const session: Authenticator = async (p, request) => {
  const id = sessionIdOf(request);
  const principal = id ? await resolveSession(p, id) : undefined;
  if (!principal) throw new DomainError("unauthenticated", "Sign in to continue.");
  if (!SAFE_METHODS.has(request.method) && request.headers["x-csrf-token"] !== principal.csrfToken) {
    throw new DomainError("forbidden", "Missing or wrong CSRF token (send the x-csrf-token header from GET /api/v1/session).");
  }
  request.session = principal;
  request.user = { accountId: principal.accountId, userId: principal.userId, email: principal.email, via: "session" };
};

/** The CLI's bearer token when there is an Authorization header, else the console's session cookie. */
const user: Authenticator = async (p, request, reply, config) =>
  bearerToken(request) ? developer(p, request, reply, config) : session(p, request, reply, config);

/** One authenticator per kind; the platform's map is built at the root (create-platform.ts), the private-apps domain giving "app". */
export type Authenticators = Record<Exclude<AuthKind, "none">, Authenticator>;

/** The kinds for people; the private-apps domain owns "app". */
export const userAuthenticators = { developer, session, user } satisfies Omit<Authenticators, "app">;
