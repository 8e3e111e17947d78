import type { FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import { forbidden } from "../errors/domain-error";
import { roleIn, type Role } from "./account-service";

/**
 * What a route may demand beyond a signed-in member, declared as `config: { permission }` beside `config.auth`.
 * `develop`: upload, build, deploy, link git, delete projects and manage secrets. Whoever deploys code can make a
 * function return its app's token and the account's secrets, so this is granted only to roles that may read those
 * anyway (admins read secrets; super admins also tokens), never to the plain `user` role.
 */
export type Permission = "develop";

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  super_admin: new Set(["develop"]),
  admin: new Set(["develop"]),
  user: new Set(),
};

export const roleHas = (role: Role | undefined, permission: Permission): boolean => role !== undefined && GRANTS[role].has(permission);

const REFUSALS: Record<Permission, string> = {
  develop: "Only admins and super admins can upload, build, deploy or delete projects, link git repositories and manage secrets.",
};

/** Runs after the route's authenticator: the role of the request's user in the request's account, looked up now. */
export async function requirePermission(p: Platform, request: FastifyRequest, permission: Permission): Promise<void> {
  const user = request.user;
  // A session already carries its role; a CLI token does not (its key's user may have changed role since).
  const role = request.session?.role ?? (user ? await roleIn(p, user.accountId, user.userId) : undefined);
  if (!roleHas(role, permission)) throw forbidden(REFUSALS[permission]);
}
