import { sql } from "kysely";
import { ConfigError } from "../config";
import type { Store } from "./database";

/**
 * Built-in roles that reach the server's files or run programs on its host: a member of one can do from SQL what a
 * superuser can, so they count as one here.
 */
const HOST_ROLES = ["pg_execute_server_program", "pg_read_server_files", "pg_write_server_files"];

interface RoleRow {
  name: string;
  super: boolean;
  createRole: boolean;
  hostRoles: string[] | null;
}

/**
 * Refuses to run on PostgreSQL as a role that can step outside Sprocket's own database: a superuser, a role that can
 * create roles (and grant itself the host roles), or a member of a host role. Every tenant's data lives in the one
 * database, so whoever reaches the server with this role (a leaked URL, or a function that got to the network)
 * should get that database and nothing more. `SPROCKET_DATABASE_ALLOW_SUPERUSER=true` is the operator's way to accept
 * the risk. The embedded SQLite store has no roles.
 */
export async function checkDatabaseRole(store: Store, allowSuperuser: boolean): Promise<void> {
  if (store.engine !== "postgres" || allowSuperuser) return;
  const { rows } = await sql<RoleRow>`
    SELECT rolname AS name, rolsuper AS super, rolcreaterole AS "createRole",
      (SELECT array_agg(h) FROM unnest(${HOST_ROLES}::text[]) AS h WHERE pg_has_role(current_user, h, 'MEMBER')) AS "hostRoles"
    FROM pg_roles WHERE rolname = current_user`.execute(store.db);
  const role = rows[0];
  if (!role) return;
  const powers = [
    ...(role.super ? ["is a superuser"] : []),
    ...(role.createRole ? ["can create roles (CREATEROLE)"] : []),
    ...(role.hostRoles?.length ? [`is a member of ${role.hostRoles.join(", ")}`] : []),
  ];
  if (!powers.length) return;
  throw new ConfigError(
    "SPROCKET_DATABASE_URL",
    `connects as PostgreSQL role "${role.name}", which ${powers.join(" and ")}: anyone who reaches the database with it ` +
      "can read every tenant and act on the database host. Give Sprocket a role of its own that owns its database, e.g. " +
      "`CREATE ROLE sprocket LOGIN PASSWORD '<password>'; CREATE DATABASE sprocket OWNER sprocket;` (scram-sha-256 in " +
      "pg_hba.conf, never trust), and put that role in the URL. See docs/operations.md. To run as this role anyway, set " +
      "SPROCKET_DATABASE_ALLOW_SUPERUSER=true.",
  );
}
