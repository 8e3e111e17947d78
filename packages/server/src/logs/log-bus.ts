import type { LogKind } from "@sprocket/contract";

export type { LogKind };

/** A stored log event as the API shows it, with what the follow stream filters on. */
export interface LogEntry {
  kind: LogKind;
  accountId: number;
  appId: number | null;
  view: { id: number } & Record<string, unknown>;
}

/**
 * Fans freshly stored events out to followers. In-process for one node; a Redis pub/sub implementation of the same two
 * methods lets followers on one node see events stored by another.
 */
export interface LogBus {
  /** `entries` is called only if someone may be listening: building views of every stored row for nobody was waste. */
  publish(entries: () => readonly LogEntry[]): void;
  /** Resolves once events stored from then on reach `listener`; to the way to stop. */
  subscribe(listener: (entry: LogEntry) => void): Promise<() => void>;
}

export class InProcessLogBus implements LogBus {
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  publish(entries: () => readonly LogEntry[]): void {
    if (this.listeners.size === 0) return;
    for (const entry of entries()) for (const listener of this.listeners) listener(entry);
  }

  async subscribe(listener: (entry: LogEntry) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
