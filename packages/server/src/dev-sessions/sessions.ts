import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { conflict, notFound } from "../errors/domain-error";
import type { DevSessionEntry } from "@sprocket/contract";
import type { DevSessionKind } from "./tables";

/**
 * How long a dev session lives after its last heartbeat or push. `hs project dev` beats every 30 s and gives up after
 * three failed beats; `sprocket project dev` beats as often. Two minutes outlasts three missed beats, and a session
 * whose CLI was killed stops serving its bundles by then.
 */
export const DEV_SESSION_TTL_MS = 120_000;

export interface DevSessionOwner {
  accountId: number;
  userId: number;
}

export interface OpenedSession {
  sessionId: number;
  expiresAt: number;
}

export async function openDevSession(
  db: Kysely<Database>,
  who: DevSessionOwner,
  s: { kind: DevSessionKind; projectId: number | null; ports: { serverId: string; port: number }[]; now: number },
): Promise<OpenedSession> {
  const expiresAt = s.now + DEV_SESSION_TTL_MS;
  await endExpiredSessions(db, who.accountId, s.now);
  const row = await db
    .insertInto("dev_sessions")
    .values({
      account_id: who.accountId,
      project_id: s.projectId,
      user_id: who.userId,
      kind: s.kind,
      ports: JSON.stringify(s.ports),
      opened_at: s.now,
      expires_at: expiresAt,
      closed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { sessionId: Number(row.id), expiresAt };
}

/**
 * Sessions whose CLI went away without closing them serve nothing once expired; their bundles go when the account opens
 * its next session, so they do not stay in the store.
 */
async function endExpiredSessions(db: Kysely<Database>, accountId: number, now: number): Promise<void> {
  const expired = db
    .selectFrom("dev_sessions")
    .select("id")
    .where("account_id", "=", accountId)
    .where("closed_at", "is", null)
    .where("expires_at", "<=", now);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("dev_session_bundles").where("session_id", "in", expired).execute();
    await trx
      .updateTable("dev_sessions")
      .set((eb) => ({ closed_at: eb.ref("expires_at") }))
      .where("account_id", "=", accountId)
      .where("closed_at", "is", null)
      .where("expires_at", "<=", now)
      .execute();
  });
}

/** The caller's own open session, or a 404 (another person's session is not theirs to see) or a 409 (it ended). */
export async function ownSession(db: Kysely<Database>, who: DevSessionOwner, sessionId: number, now: number) {
  const row = await db
    .selectFrom("dev_sessions")
    .selectAll()
    .where("id", "=", sessionId)
    .where("account_id", "=", who.accountId)
    .where("user_id", "=", who.userId)
    .executeTakeFirst();
  if (!row) throw notFound(`No dev session ${sessionId} of yours in account ${who.accountId}.`);
  if (row.closed_at !== null || row.expires_at <= now)
    throw conflict(
      `Dev session ${sessionId} has ended (closed, or no heartbeat for ${DEV_SESSION_TTL_MS / 1000} s). Start the dev command again.`,
    );
  return row;
}

/** Keeps the session alive for another TTL. */
export async function heartbeat(db: Kysely<Database>, who: DevSessionOwner, sessionId: number, now: number): Promise<OpenedSession> {
  await ownSession(db, who, sessionId, now);
  const expiresAt = now + DEV_SESSION_TTL_MS;
  await db.updateTable("dev_sessions").set({ expires_at: expiresAt }).where("id", "=", sessionId).execute();
  return { sessionId, expiresAt };
}

/**
 * Ends the session; returns its kind and the apps it served bundles for, whose pages go back to their live build
 * (undefined when it had already ended).
 */
export async function closeDevSession(
  db: Kysely<Database>,
  who: DevSessionOwner,
  sessionId: number,
  now: number,
): Promise<{ kind: DevSessionKind; apps: number[] } | undefined> {
  const row = await db
    .selectFrom("dev_sessions")
    .select(["closed_at", "kind"])
    .where("id", "=", sessionId)
    .where("account_id", "=", who.accountId)
    .where("user_id", "=", who.userId)
    .executeTakeFirst();
  if (!row) throw notFound(`No dev session ${sessionId} of yours in account ${who.accountId}.`);
  if (row.closed_at !== null) return undefined;
  return db.transaction().execute(async (trx) => {
    await trx.updateTable("dev_sessions").set({ closed_at: now }).where("id", "=", sessionId).execute();
    const apps = await trx.selectFrom("dev_session_bundles").select("app_id").distinct().where("session_id", "=", sessionId).execute();
    // The bundles are only ever served while the session is open.
    await trx.deleteFrom("dev_session_bundles").where("session_id", "=", sessionId).execute();
    return { kind: row.kind, apps: apps.map((a) => Number(a.app_id)) };
  });
}

export const devBundleUrl = (sessionId: number, appId: number, uid: string, version: number) =>
  `/api/v1/dev-session-bundles/${sessionId}/${appId}/${encodeURIComponent(uid)}/${version}.js`;

export interface DevBundleRef {
  sessionId: number;
  bundleUrl: string;
}

/**
 * The bundles open sessions of the account serve, by `appId:uid`; when two sessions serve one component, the newer
 * session's bundle wins.
 */
export async function servedDevBundles(db: Kysely<Database>, accountId: number, now: number): Promise<Map<string, DevBundleRef>> {
  const rows = await db
    .selectFrom("dev_session_bundles")
    .innerJoin("dev_sessions", "dev_sessions.id", "dev_session_bundles.session_id")
    .select([
      "dev_sessions.id as session_id",
      "dev_session_bundles.app_id",
      "dev_session_bundles.component_uid",
      "dev_session_bundles.version",
    ])
    .where("dev_sessions.account_id", "=", accountId)
    .where("dev_sessions.closed_at", "is", null)
    .where("dev_sessions.expires_at", ">", now)
    .orderBy("dev_sessions.id")
    .execute();
  const served = new Map<string, DevBundleRef>();
  for (const r of rows) {
    const sessionId = Number(r.session_id);
    const appId = Number(r.app_id);
    served.set(`${appId}:${r.component_uid}`, { sessionId, bundleUrl: devBundleUrl(sessionId, appId, r.component_uid, r.version) });
  }
  return served;
}

/** A served bundle's source, while its session is open. */
export async function devBundleSource(
  db: Kysely<Database>,
  accountId: number,
  ref: { sessionId: number; appId: number; uid: string; version: number },
  now: number,
): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom("dev_session_bundles")
    .innerJoin("dev_sessions", "dev_sessions.id", "dev_session_bundles.session_id")
    .select("dev_session_bundles.source")
    .where("dev_sessions.id", "=", ref.sessionId)
    .where("dev_sessions.account_id", "=", accountId)
    .where("dev_sessions.closed_at", "is", null)
    .where("dev_sessions.expires_at", ">", now)
    .where("dev_session_bundles.app_id", "=", ref.appId)
    .where("dev_session_bundles.component_uid", "=", ref.uid)
    .where("dev_session_bundles.version", "=", ref.version)
    .executeTakeFirst();
  return row ? Buffer.from(row.source) : undefined;
}

/** A local dev server of `hs project dev` (HubSpot's ui-extensions-dev-server), on the developer's own machine. */
export interface LocalDevServer {
  sessionId: number;
  /** Where the viewer's browser reaches it: `GET <url>/extensions` lists its bundles and its websocket. */
  url: string;
}

/** The id HubSpot's CLI registers its ui-extensions dev server's port under. */
const UI_EXTENSIONS_SERVER = "ui-extensions-dev-server";

/**
 * The viewer's own open `hs project dev` sessions' extension servers. They listen on the developer's machine, so only
 * the developer's browser can reach them, and only the developer's pages are told about them (as HubSpot does).
 */
export async function localDevServers(db: Kysely<Database>, accountId: number, userId: number, now: number): Promise<LocalDevServer[]> {
  const rows = await db
    .selectFrom("dev_sessions")
    .select(["id", "ports"])
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .where("kind", "=", "hubspot")
    .where("closed_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("id")
    .execute();
  return rows.flatMap((row) =>
    (JSON.parse(row.ports) as { serverId: string; port: number }[])
      .filter((p) => p.serverId === UI_EXTENSIONS_SERVER)
      .map((p) => ({ sessionId: Number(row.id), url: `http://localhost:${p.port}` })),
  );
}

/** The project's dev sessions, newest first: its build history shows each as one entry. */
export async function projectDevSessions(db: Kysely<Database>, projectId: number, now: number, limit: number): Promise<DevSessionEntry[]> {
  const rows = await db
    .selectFrom("dev_sessions")
    .leftJoin("users", "users.id", "dev_sessions.user_id")
    .select([
      "dev_sessions.id",
      "dev_sessions.opened_at",
      "dev_sessions.expires_at",
      "dev_sessions.closed_at",
      "dev_sessions.saves",
      "users.email",
    ])
    .where("dev_sessions.project_id", "=", projectId)
    .orderBy("dev_sessions.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const open = r.closed_at === null && r.expires_at > now;
    return {
      sessionId: Number(r.id),
      status: open ? "OPEN" : "ENDED",
      userEmail: r.email ?? null,
      openedAt: new Date(r.opened_at).toISOString(),
      endedAt: open ? null : new Date(r.closed_at ?? r.expires_at).toISOString(),
      saves: Number(r.saves),
    };
  });
}
