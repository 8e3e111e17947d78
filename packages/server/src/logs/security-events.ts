import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { SecurityEventType } from "@sprocket/contract";
import { newTraceId } from "./trace-context";

export interface Actor {
  userId: number | null;
  label: string;
  address: string | null;
}

export async function recordSecurityEvent(
  db: Kysely<Database>,
  now: number,
  e: {
    accountId: number;
    appId?: number | null;
    type: SecurityEventType;
    actor: Actor;
    details?: Record<string, unknown>;
    traceId?: string;
  },
): Promise<void> {
  await db
    .insertInto("security_events")
    .values({
      account_id: e.accountId,
      app_id: e.appId ?? null,
      type: e.type,
      actor_user_id: e.actor.userId,
      actor_label: e.actor.label,
      address: e.actor.address,
      details: JSON.stringify(e.details ?? {}),
      trace_id: e.traceId ?? newTraceId(),
      created_at: now,
    })
    .execute();
}

export async function listSecurityEvents(db: Kysely<Database>, accountId: number, opts: { appId?: number; limit?: number } = {}) {
  let q = db.selectFrom("security_events").selectAll().where("account_id", "=", accountId);
  if (opts.appId !== undefined) q = q.where("app_id", "=", opts.appId);
  return q
    .orderBy("id", "desc")
    .limit(opts.limit ?? 100)
    .execute();
}
