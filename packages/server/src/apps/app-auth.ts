import type { FastifyContextConfig, FastifyReply, FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import { DomainError, unauthenticated } from "../errors/domain-error";
import { bearerToken, sessionIdOf, userAuthenticators } from "../http/authenticate";
import type { AppPrincipal } from "./app-tokens";
import { after, type MaybePromise } from "../util/maybe-async";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Any one of these scopes unlocks the route (HubSpot's spec security blocks work the same way). */
    scopes?: readonly string[];
    /** Which rate-limit bucket the route counts against; search has its own. */
    rateLimit?: "standard" | "search" | "none";
  }
  interface FastifyRequest {
    app?: AppPrincipal;
  }
}

export const SCOPES_DOC = "https://developers.hubspot.com/scopes";

export function missingScopes(required: readonly string[]): DomainError {
  return new DomainError(
    "forbidden",
    `This app hasn't been granted all required scopes to make this call. Read more about required scopes here: ${SCOPES_DOC}.`,
    {
      errors: [{ message: "One or more of the following scopes are required.", context: { requiredGranularScopes: [...required] } }],
      links: { scopes: SCOPES_DOC },
      category: "MISSING_SCOPES",
    },
  );
}

/** Every scope: what a signed-in console user acts with on their own account's CRM. */
const ALL_SCOPES: ReadonlySet<string> = new (class extends Set<string> {
  override has(): boolean {
    return true;
  }
})();

/**
 * Token, then scope, then rate limit: one straight line for every CRM call. With the token and the account's limits
 * cached and the counts in memory it runs without a promise (it is on every CRM call's budget).
 */
export function authenticateApp(
  p: Platform,
  request: FastifyRequest,
  reply: FastifyReply,
  config: FastifyContextConfig,
): MaybePromise<void> {
  const token = bearerToken(request);
  if (!token && sessionIdOf(request)) {
    // The console reads and edits CRM records through this same API, as the signed-in user (appId 0): no app's
    // limits, but the user's own (F12), so a session cookie is no way around rate limiting.
    return after(userAuthenticators.session(p, request, reply, config), () => {
      request.app = { appId: 0, accountId: request.session!.accountId, tokenId: 0, scopes: ALL_SCOPES };
      const { rateLimit = "standard" } = config;
      if (rateLimit !== "none") return p.limits.consumeUser(rateLimit, request.session!.userId, p.clock.now());
    });
  }
  if (!token) throw unauthenticated();
  // The clock is read once for the token, the limits and the windows: Date.now() is 60-150 ns on a KVM guest, and
  // the ungated route reads it not at all. Only a step that waited for the database reads it again.
  const now = p.clock.now();
  const app = p.apps.tokens.resolve(token, now, request.headers.authorization);
  if (app instanceof Promise) return app.then((a) => admit(p, request, reply, config, a, p.clock.now()));
  return admit(p, request, reply, config, app, now);
}

function admit(
  p: Platform,
  request: FastifyRequest,
  reply: FastifyReply,
  config: FastifyContextConfig,
  app: AppPrincipal | undefined,
  now: number,
): MaybePromise<void> {
  if (!app) throw unauthenticated();
  request.app = app;
  const { scopes, rateLimit = "standard" } = config;
  if (scopes && scopes.length > 0 && !scopes.some((s) => app.scopes.has(s))) throw missingScopes(scopes);
  if (rateLimit === "none") return;
  const plan = p.apps.limitPlans.of(app.accountId, now);
  if (plan instanceof Promise) return plan.then((l) => p.limits.consume(rateLimit, app.appId, app.accountId, l, p.clock.now(), reply));
  return p.limits.consume(rateLimit, app.appId, app.accountId, plan, now, reply);
}
