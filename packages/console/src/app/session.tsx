// Who is signed in, in which account; sign-in, sign-out and the account switch.
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { InviteAcceptance, SessionInfo, SessionState } from "@sprocket/contract";
import { api, onSignedOut, setCsrfToken } from "./api-client";

const SessionContext = createContext<SessionInfo | undefined>(undefined);
const SESSION_KEY = ["session"] as const;
export const SESSION_PATH = "/api/v1/session";

async function fetchSession(): Promise<SessionInfo | null> {
  const session = await api<SessionState>("GET", SESSION_PATH);
  if (!session.signedIn) return null;
  setCsrfToken(session.csrfToken);
  return session;
}

/** Asked once per page load (the entry starts it, first-screen.ts); sign-in, sign-out and account switches set it. */
export const sessionQuery = { queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity, retry: false } as const;

export function useSessionQuery() {
  const queryClient = useQueryClient();
  // A 401 from some API: ask whether the session itself is gone (then the sign-in form shows) or only that API refused it.
  useEffect(() => onSignedOut(() => void queryClient.invalidateQueries({ queryKey: SESSION_KEY })), [queryClient]);
  return useQuery(sessionQuery);
}

export function SessionProvider({ session, children }: { session: SessionInfo; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only used below the shell, which renders the sign-in form when there is none. */
export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in shell");
  return session;
}

export const isSuperAdmin = (session: SessionInfo) => session.role === "super_admin";

export function useSessionActions() {
  const queryClient = useQueryClient();
  /** Drops everything cached for the previous user or account, then shows the new session. */
  const replaceSession = (session: SessionInfo | null) => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
    queryClient.setQueryData(SESSION_KEY, session);
  };
  return {
    async signIn(email: string, password: string) {
      await api("POST", "/api/v1/session", { email, password });
      replaceSession(await fetchSession());
    },
    async signOut() {
      await api("DELETE", "/api/v1/session").catch(() => undefined);
      setCsrfToken(undefined);
      replaceSession(null);
    },
    async acceptInvite(token: string, body: InviteAcceptance) {
      await api("POST", `/api/v1/invites/${encodeURIComponent(token)}/accept`, body);
      replaceSession(await fetchSession());
    },
    async switchAccount(accountId: number) {
      await api("PUT", "/api/v1/session/account", { accountId });
      replaceSession(await fetchSession());
    },
  };
}
