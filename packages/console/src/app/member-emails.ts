// People are named by their email everywhere (logs, builds, deploys): user ids mean nothing to a reader.
import { useQuery } from "@tanstack/react-query";
import type { Member } from "@sprocket/contract";
import { api } from "./api-client";
import { useSession } from "./session";

/** The account's members, shared with Settings › Users and roles (same query key). */
export function useMembers() {
  const { accountId } = useSession();
  return useQuery({ queryKey: ["account-users", accountId], queryFn: () => api<{ results: Member[] }>("GET", "/api/v1/account-users") });
}

/** A user id as an email; a former member (no longer in the account) keeps the id, said as such. */
export function useMemberEmail(): (userId: number | null | undefined) => string {
  const session = useSession();
  const members = useMembers();
  return (userId) => {
    if (userId === null || userId === undefined) return "—";
    if (userId === session.userId) return session.email;
    return members.data?.results.find((m) => m.userId === userId)?.email ?? `former user ${userId}`;
  };
}
