import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import { z } from "zod";
import {
  accountList,
  createdInvite,
  createdPersonalAccessKey,
  inviteAcceptance,
  inviteInfo,
  inviteRequest,
  memberList,
  pendingInviteList,
  personalAccessKeyList,
  sessionState,
  signInRequest,
  signInResult,
} from "@sprocket/contract";
import type { Platform } from "../platform";
import { responds } from "../http/response-schema";
import { DomainError, invalid } from "../errors/domain-error";
import { sessionCookieName, sessionIdOf } from "../http/authenticate";
import { parseBody } from "../util/parse-body";
import { accountsOfUser, getAccount, roleIn } from "./account-service";
import { listMembers, setMemberRole } from "./members";
import { createPersonalAccessKey, exchangePersonalAccessKey, listPersonalAccessKeys, revokePersonalAccessKey } from "./access-keys";
import { SESSION_TTL_MS, recordSignInFailure, resolveSession, signIn, signOut, switchAccount } from "./sessions";
import { acceptInvite, createInvite, describeInvite, listPendingInvites } from "./invites";
import { actorOf } from "../apps/routes";

const refreshBody = z.object({ encodedOAuthRefreshToken: z.string().min(1) });

type OpenedSession = { sessionId: string; csrfToken: string; userId: number; accountId: number };

export const accountRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    // Sign-in and sign-out set the session cookie; other routes read it with sessionIdOf (http/authenticate.ts).
    await app.register(cookie);

    function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: OpenedSession) {
      reply.setCookie(sessionCookieName(request), session.sessionId, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        // Over HTTPS, or behind a TLS proxy: the request's scheme (X-Forwarded-Proto from a trusted proxy) or the public URL's.
        secure: request.protocol === "https" || p.config.publicUrl?.startsWith("https:") === true,
        maxAge: SESSION_TTL_MS / 1000,
      });
      return { userId: session.userId, accountId: session.accountId, csrfToken: session.csrfToken };
    }

    async function requireSuperAdmin(request: FastifyRequest, what: string) {
      const user = request.user!;
      if ((await roleIn(p, user.accountId, user.userId)) !== "super_admin")
        throw new DomainError("forbidden", `Only super admins ${what}.`);
      return user;
    }
    app.post("/localdevauth/v1/auth/refresh", async (request) => {
      const body = parseBody(refreshBody, request.body, "the personal access key exchange");
      const portalId = (request.query as { portalId?: string }).portalId;
      if (portalId !== undefined && !/^\d+$/.test(portalId)) throw invalid("portalId must be a numeric account id.");
      return exchangePersonalAccessKey(p, body.encodedOAuthRefreshToken, portalId === undefined ? undefined : Number(portalId));
    });

    app.get("/localdevauth/v1/auth/enabled-features", { config: { auth: "developer" } }, async () => ({ enabledFeatures: {} }));

    app.get("/api/v1/accounts", { config: { auth: "developer" }, ...responds(accountList) }, async (request) => {
      const dev = request.developer!;
      const account = await getAccount(p, dev.accountId);
      return { results: [{ accountId: dev.accountId, name: account?.name ?? "", tier: account?.tier ?? "" }] };
    });

    // Console sessions.
    app.post("/api/v1/session", responds(signInResult), async (request, reply) => {
      const body = parseBody(signInRequest, request.body, "sign-in");
      const email = body.email.toLowerCase();
      // The attempt is counted before scrypt runs (F6): a burst of parallel guesses gets 429s, not evaluations.
      const refund = await p.limits.reserveSignIn(email, request.ip, p.clock.now());
      const session = await signIn(p, email, body.password);
      if (!session) {
        await recordSignInFailure(p, email, request.ip);
        throw new DomainError("unauthenticated", "Wrong email or password.");
      }
      await refund();
      return setSessionCookie(request, reply, session);
    });

    // Answers 200 either way: the console asks this before anyone signs in, and a 401 there is no error.
    app.get("/api/v1/session", responds(sessionState), async (request) => {
      const id = sessionIdOf(request);
      const s = id ? await resolveSession(p, id) : undefined;
      if (!s) return { signedIn: false };
      const accounts = await accountsOfUser(p, s.userId);
      return { signedIn: true, userId: s.userId, email: s.email, accountId: s.accountId, role: s.role, csrfToken: s.csrfToken, accounts };
    });

    app.delete("/api/v1/session", { config: { auth: "session" } }, async (request, reply) => {
      await signOut(p, sessionIdOf(request)!);
      reply.clearCookie(sessionCookieName(request), { path: "/", ...(request.protocol === "https" ? { secure: true } : {}) });
      return reply.status(204).send();
    });

    app.put("/api/v1/session/account", { config: { auth: "session" } }, async (request) => {
      const { accountId } = parseBody(z.object({ accountId: z.number().int() }), request.body, "the account switch");
      if (!(await switchAccount(p, sessionIdOf(request)!, accountId))) {
        throw new DomainError("forbidden", `You are not a member of account ${accountId}.`);
      }
      return { accountId };
    });

    // Members of the session's account and their roles; super admins change roles.
    app.get("/api/v1/account-users", { config: { auth: "user" }, ...responds(memberList) }, async (request) => ({
      results: await listMembers(p, request.user!.accountId),
    }));
    app.put<{ Params: { userId: string } }>("/api/v1/account-users/:userId/role", { config: { auth: "user" } }, async (request) => {
      const { accountId } = request.user!;
      await requireSuperAdmin(request, "change roles");
      const { role } = parseBody(z.object({ role: z.enum(["super_admin", "admin", "user"]) }), request.body, "the role change");
      const target = Number(request.params.userId);
      if (!Number.isSafeInteger(target)) throw invalid(`"${request.params.userId}" is not a user id.`);
      await setMemberRole(p, accountId, target, role);
      return { userId: target, role };
    });

    // Invitations: super admins invite by email; the one-time link lets the invitee in (invites.ts).
    app.get("/api/v1/account-invites", { config: { auth: "user" }, ...responds(pendingInviteList) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request, "see invitations");
      return { results: await listPendingInvites(p, accountId) };
    });
    app.post("/api/v1/account-invites", { config: { auth: "user" }, ...responds(createdInvite, 201) }, async (request, reply) => {
      const { accountId } = await requireSuperAdmin(request, "invite people");
      const body = parseBody(inviteRequest, request.body, "the invitation");
      const invite = await createInvite(p, accountId, body, actorOf(request));
      // On the public URL (behind a proxy, maybe under a path), else the address the admin reached.
      const base = (p.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, "");
      const url = `${base}/invite/${invite.token}`;
      // There is no mail server: the server log is where an operator finds a link the admin did not copy.
      p.log.info({ accountId, email: invite.email, role: invite.role, url }, `Invite link for ${invite.email}: ${url}`);
      return reply.status(201).send({ id: invite.id, email: invite.email, role: invite.role, expiresAt: invite.expiresAt, url });
    });
    app.get<{ Params: { token: string } }>("/api/v1/invites/:token", responds(inviteInfo), async (request) =>
      describeInvite(p, request.params.token),
    );
    app.post<{ Params: { token: string } }>("/api/v1/invites/:token/accept", responds(signInResult), async (request, reply) => {
      const body = parseBody(inviteAcceptance, request.body, "the invitation");
      const { email } = await describeInvite(p, request.params.token);
      // Counted like a sign-in: for someone who already has a login, the password is checked here.
      const refund = await p.limits.reserveSignIn(email, request.ip, p.clock.now());
      const session = await acceptInvite(p, request.params.token, body, request.ip);
      await refund();
      return setSessionCookie(request, reply, session);
    });

    // Personal access keys of the signed-in user, in the session's account.
    app.get("/api/v1/personal-access-keys", { config: { auth: "session" }, ...responds(personalAccessKeyList) }, async (request) => {
      const s = request.session!;
      return { results: await listPersonalAccessKeys(p, s.accountId, s.userId) };
    });
    app.post(
      "/api/v1/personal-access-keys",
      { config: { auth: "session" }, ...responds(createdPersonalAccessKey, 201) },
      async (request, reply) => {
        const s = request.session!;
        const { name } = parseBody(z.object({ name: z.string().min(1).max(100) }), request.body, "the new key");
        const created = await createPersonalAccessKey(p, s.accountId, s.userId, name);
        return reply.status(201).send({ id: created.id, name, personalAccessKey: created.key });
      },
    );
    app.delete<{ Params: { id: string } }>("/api/v1/personal-access-keys/:id", { config: { auth: "session" } }, async (request, reply) => {
      const s = request.session!;
      if (!(await revokePersonalAccessKey(p, s.accountId, s.userId, Number(request.params.id)))) {
        throw new DomainError("not_found", `No active personal access key ${request.params.id}.`);
      }
      return reply.status(204).send();
    });
  };
