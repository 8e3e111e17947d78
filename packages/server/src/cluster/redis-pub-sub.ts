import type { Redis } from "ioredis";
import type { PubSub } from "./pub-sub";
import type { MessageSigner, Opened } from "./signed-messages";

/** Refused messages are reported at most this often (with a count), so a flood of forgeries cannot flood the log. */
const REPORT_REFUSED_EVERY_MS = 60_000;

/**
 * Redis pub/sub under the deployment's key prefix. Publishing uses the shared client; the first subscription opens the
 * one extra connection a subscriber needs (a connection in subscriber mode can do nothing else). Every message is
 * signed, and one that is not signed by this deployment (see signed-messages.ts) reaches no listener.
 */
export class RedisPubSub implements PubSub {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();
  /** One SUBSCRIBE per channel; later listeners wait for the same confirmation. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private refused = { count: 0, reportedAt: -Infinity };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly signer: MessageSigner,
    private readonly onError: (error: unknown) => void,
  ) {}

  private channelName = (channel: string) => `${this.prefix}:events:${channel}`;

  async publish(channel: string, message: unknown): Promise<void> {
    const name = this.channelName(channel);
    await this.redis.publish(name, this.signer.sign(name, message));
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    const name = this.channelName(channel);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    let confirmed = this.subscribed.get(name);
    if (!confirmed) this.subscribed.set(name, (confirmed = this.subscriberConnection().subscribe(name)));
    try {
      await confirmed;
    } catch (e) {
      // A later subscription tries again rather than waiting on a failure for ever.
      this.subscribed.delete(name);
      set.delete(listener);
      throw e;
    }
    return () => void set.delete(listener);
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      const sub = (this.subscriber = this.redis.duplicate());
      sub.on("error", this.onError);
      sub.on("message", (channel: string, text: string) => {
        const listeners = this.listeners.get(channel);
        if (!listeners?.size) return;
        const opened = this.signer.open(channel, text);
        if (!opened.ok) return this.reportRefused(channel, opened.reason);
        for (const listener of listeners) listener(opened.message);
      });
    }
    return this.subscriber;
  }

  private reportRefused(channel: string, reason: Extract<Opened, { ok: false }>["reason"]): void {
    this.refused.count++;
    const now = Date.now();
    if (now - this.refused.reportedAt < REPORT_REFUSED_EVERY_MS) return;
    this.onError(
      new Error(
        `ignored ${this.refused.count} message(s) on Redis channel ${channel} not signed by this deployment (last: ${reason}); ` +
          "every node needs the same SPROCKET_SECRET_KEY, and only Sprocket should be able to PUBLISH to this Redis (see docs/operations.md)",
      ),
    );
    this.refused = { count: 0, reportedAt: now };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit();
  }
}
