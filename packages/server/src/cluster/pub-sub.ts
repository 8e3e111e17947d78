/**
 * Messages to every node of a deployment: Redis pub/sub when Redis is configured, else a bus inside this one process.
 * Delivery is at most once and only to nodes listening at the time; what must not be lost lives in the database.
 */
export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Listens from when the promise resolves (this node's own messages included): a message published after that is
   * heard. Resolves to the way to stop.
   */
  subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void>;
  close(): Promise<void>;
}

export class InProcessPubSub implements PubSub {
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();

  async publish(channel: string, message: unknown): Promise<void> {
    // Same copy semantics as Redis: a listener never shares an object with the publisher.
    const json = JSON.stringify(message);
    for (const listener of this.listeners.get(channel) ?? []) listener(JSON.parse(json));
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
