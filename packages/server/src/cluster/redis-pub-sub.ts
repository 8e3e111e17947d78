import type { Redis } from "ioredis";
import type { PubSub } from "./pub-sub";

/**
 * Redis pub/sub under the deployment's key prefix. Publishing uses the shared client; the first subscription opens the
 * one extra connection a subscriber needs (a connection in subscriber mode can do nothing else).
 */
export class RedisPubSub implements PubSub {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();
  /** One SUBSCRIBE per channel; later listeners wait for the same confirmation. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  private channelName = (channel: string) => `${this.prefix}:events:${channel}`;

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(this.channelName(channel), JSON.stringify(message));
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
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch (e) {
          return this.onError(e);
        }
        for (const listener of listeners) listener(message);
      });
    }
    return this.subscriber;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit();
  }
}
