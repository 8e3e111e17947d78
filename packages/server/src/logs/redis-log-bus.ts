import type { PubSub } from "../cluster/pub-sub";
import type { FollowedFlag } from "./followed-flag";
import type { LogBus, LogEntry } from "./log-bus";

const CHANNEL = "logs";

/**
 * The follow bus across nodes: each batch the sink stores is published on the deployment's Redis channel
 * (`<SPROCKET_REDIS_PREFIX>:events:logs`) while some node has a follower (followed-flag.ts), and every node hands what
 * it hears to its own followers, so `logs --follow` on one node sees events stored by any node. Its own events come
 * back the same way, once.
 */
export class RedisLogBus implements LogBus {
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  private listening: Promise<unknown> | undefined;

  constructor(
    private readonly pubsub: PubSub,
    private readonly followed: FollowedFlag,
    private readonly onError: (error: unknown) => void,
  ) {}

  publish(entries: () => readonly LogEntry[]): void {
    if (this.listeners.size === 0 && !this.followed.mayBeFollowed()) return;
    const batch = entries();
    if (batch.length) this.pubsub.publish(CHANNEL, batch).catch(this.onError);
  }

  async subscribe(listener: (entry: LogEntry) => void): Promise<() => void> {
    this.listening ??= this.pubsub
      .subscribe(CHANNEL, (batch) => {
        for (const entry of batch as LogEntry[]) for (const l of this.listeners) l(entry);
      })
      .catch((e: unknown) => {
        this.listening = undefined;
        throw e;
      });
    await this.listening;
    await this.followed.follow();
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener)) this.followed.unfollow();
    };
  }
}
