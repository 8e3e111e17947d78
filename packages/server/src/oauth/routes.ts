import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { forbidden, unauthenticated } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { sessionIdOf } from "../http/authenticate";
import { resolveSession, type SessionPrincipal } from "../accounts/sessions";
import { accountsOfUser, roleIn } from "../accounts/account-service";
import { actorOf } from "../apps/routes";
import { consentPage } from "./consent-page";
import { appInstallList, connectedAppList } from "@sprocket/contract";
import { responds } from "../http/response-schema";
import { findApp } from "../apps/app-queries";
import { DomainError } from "../errors/domain-error";
import {
  accessTokenInfo,
  checkAuthorize,
  grantInstall,
  installsOfApp,
  issueTokens,
  listInstalls,
  refreshTokenInfo,
  revokeRefreshToken,
  uninstall,
  type TokenRequest,
} from "./oauth-service";

const authorizeQuery = z.object({
  client_id: z.string().default(""),
  redirect_uri: z.string().default(""),
  scope: z.string().default(""),
  optional_scope: z.string().optional(),
  state: z.string().optional(),
});
type AuthorizeQuery = z.infer<typeof authorizeQuery>;

const consentForm = authorizeQuery.extend({ csrf_token: z.string(), account_id: z.coerce.number().int().positive() });

const authorizeRequest = (q: AuthorizeQuery) => ({
  clientId: q.client_id,
  redirectUri: q.redirect_uri,
  scope: q.scope,
  ...(q.optional_scope !== undefined ? { optionalScope: q.optional_scope } : {}),
});

/** The consent page's form is a plain HTML post: no x-csrf-token header, so the session's token travels as a field. */
async function signedInUser(p: Platform, request: FastifyRequest): Promise<SessionPrincipal> {
  const id = sessionIdOf(request);
  const session = id ? await resolveSession(p, id) : undefined;
  if (!session) throw unauthenticated("Sign in to the console, then open the install link again.");
  return session;
}

/**
 * HubSpot's OAuth 2.0 endpoints for apps with `auth.type: "oauth"`: the install URL and consent page, the token
 * endpoint, token introspection, and the installed account's list and uninstall.
 */
export const oauthRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    // Only this plugin's routes read forms (the token endpoint and the consent page's post), as HubSpot's do.
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    const html = (reply: FastifyReply, status: number, page: string, formTarget?: string) =>
      reply
        .status(status)
        .headers({
          // The form posts here, and the answer redirects to the app: both must be allowed form targets (Chromium checks the redirect).
          "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${formTarget ? ` ${new URL(formTarget).origin}` : ""}; frame-ancestors 'none'`,
          "x-frame-options": "DENY",
          "referrer-policy": "no-referrer",
          "cache-control": "no-store",
        })
        .type("text/html; charset=utf-8")
        .send(page);

    app.get("/oauth/authorize", async (request, reply) => {
      const q = parseBody(authorizeQuery, request.query, "the install URL");
      const checked = await checkAuthorize(p, authorizeRequest(q));
      const id = sessionIdOf(request);
      const session = id ? await resolveSession(p, id) : undefined;
      // As on HubSpot: sign in first, then back to this very install link (the console only follows /oauth/authorize?…).
      if (!session) return reply.redirect(`/login?${new URLSearchParams({ next: request.url })}`, 302);
      const accounts = (await accountsOfUser(p, session.userId)).filter((a) => a.role === "super_admin");
      const params = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return html(
        reply,
        accounts.length ? 200 : 403,
        consentPage({ checked, params, csrfToken: session.csrfToken, email: session.email, accounts }),
        checked.redirectUri,
      );
    });

    app.post("/oauth/authorize", async (request, reply) => {
      const form = parseBody(consentForm, request.body, "the consent form");
      const session = await signedInUser(p, request);
      if (form.csrf_token !== session.csrfToken)
        throw forbidden("The consent form is stale or was not sent by this console; open the install link again.");
      const checked = await checkAuthorize(p, authorizeRequest(form));
      const code = await grantInstall(p, checked, form.account_id, { ...actorOf(request), userId: session.userId, label: session.email });
      const target = new URL(checked.redirectUri);
      target.searchParams.set("code", code);
      if (form.state !== undefined) target.searchParams.set("state", form.state);
      return reply.redirect(target.toString(), 302);
    });

    app.post("/oauth/v1/token", async (request) =>
      issueTokens(p, parseBody(z.record(z.string(), z.string()), request.body ?? {}, "the token request") as TokenRequest, request.ip),
    );

    app.get<{ Params: { token: string } }>("/oauth/v1/access-tokens/:token", async (request) => accessTokenInfo(p, request.params.token));
    app.get<{ Params: { token: string } }>("/oauth/v1/refresh-tokens/:token", async (request) => refreshTokenInfo(p, request.params.token));
    app.delete<{ Params: { token: string } }>("/oauth/v1/refresh-tokens/:token", async (request, reply) => {
      await revokeRefreshToken(p, request.params.token);
      return reply.status(204).send();
    });

    const superAdmin = async (request: FastifyRequest) => {
      const user = request.user!;
      if ((await roleIn(p, user.accountId, user.userId)) !== "super_admin")
        throw forbidden("Only super admins can see the apps installed into this account and uninstall them, or see an app's installs.");
      return user;
    };

    app.get("/api/v1/app-installs", { config: { auth: "user" }, ...responds(connectedAppList) }, async (request) => {
      const { accountId } = await superAdmin(request);
      return { results: await listInstalls(p, accountId) };
    });

    // The developer's side: the accounts an OAuth app of theirs is installed in.
    app.get<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/installs",
      { config: { auth: "user" }, ...responds(appInstallList) },
      async (request) => {
        const { accountId } = await superAdmin(request);
        const found = await findApp(p.store.db, accountId, request.params.app);
        if (found.auth_type !== "oauth")
          throw new DomainError(
            "invalid",
            `${found.uid} is a private app with a static token: only OAuth apps are installed into accounts.`,
            {
              subCategory: "NOT_AN_OAUTH_APP",
            },
          );
        return { results: await installsOfApp(p, found.id) };
      },
    );

    app.delete<{ Params: { installId: string } }>(
      "/api/v1/app-installs/:installId",
      { config: { auth: "user" } },
      async (request, reply) => {
        const { accountId } = await superAdmin(request);
        await uninstall(p, accountId, Number(request.params.installId), actorOf(request));
        return reply.status(204).send();
      },
    );
  };
