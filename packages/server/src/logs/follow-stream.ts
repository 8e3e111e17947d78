import type { FastifyReply } from "fastify";
import type { Platform } from "../platform";
import type { EventStream, EventStreams } from "../http/event-stream";
import type { LogEntry, LogKind } from "./log-bus";
import { securityEventView } from "./log-views";
import { accountsOf, type Scope } from "./app-log-scope";

/** Security events are written by other domains inside their transactions, not through the sink: the stream polls them. */
const SECURITY_POLL_MS = 500;

export interface FollowFilter extends Scope {
  kind?: LogKind;
}

/**
 * Server-sent events: one `event: <kind>` per stored event matching the filter, as soon as the sink has written it. A
 * comment line goes out first, so a client knows it is subscribed before anything happens.
 */
export async function followLogs(p: Platform, streams: EventStreams, reply: FastifyReply, filter: FollowFilter): Promise<void> {
  const pollSecurity = filter.kind === undefined || filter.kind === "security";
  // Taken before the comment line goes out: an event stored after a client saw it must come after this id.
  let lastId = pollSecurity ? ((await latestSecurityId(p, filter.accountId)) ?? 0) : 0;
  let stream: EventStream | undefined;
  const send = (e: LogEntry) => {
    const name = filter.accounts?.get(e.accountId);
    stream?.send(e.kind, name === undefined ? e.view : { ...e.view, accountName: name }, `${e.kind}-${e.view.id}`);
  };
  // An OAuth app's follower sees the accounts it was installed in as the stream began (a later install: on reconnecting).
  const matches = (e: LogEntry) =>
    accountsOf(filter, e.kind).includes(e.accountId) &&
    (filter.kind === undefined || e.kind === filter.kind) &&
    (filter.appId === undefined || e.appId === filter.appId);
  // Events reach a follower only once the bus listens; the comment line the stream starts with promises that it does.
  const unsubscribe = await p.logs.bus.subscribe((e) => {
    if (matches(e)) send(e);
  });
  stream = streams.start(reply, "following");
  let poll: NodeJS.Timeout | undefined;
  if (pollSecurity) {
    let polling = false;
    poll = setInterval(async () => {
      if (polling) return;
      polling = true;
      try {
        let q = p.store.db.selectFrom("security_events").selectAll().where("account_id", "=", filter.accountId).where("id", ">", lastId);
        if (filter.appId !== undefined) q = q.where("app_id", "=", filter.appId);
        for (const row of await q.orderBy("id").limit(500).execute()) {
          lastId = Math.max(lastId, row.id);
          send({ kind: "security", accountId: row.account_id, appId: row.app_id, view: securityEventView(row) });
        }
      } catch (e) {
        p.logs.onError(e, "security follow");
      } finally {
        polling = false;
      }
    }, SECURITY_POLL_MS).unref();
  }
  stream.onClose(() => {
    unsubscribe();
    clearInterval(poll);
  });
}
async function latestSecurityId(p: Platform, accountId: number): Promise<number | undefined> {
  const row = await p.store.db
    .selectFrom("security_events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
}
