import type { AppWebhooks } from "./subscriptions";
import type { WebhookEvent } from "./payload";

/** HubSpot sends at most 100 events in one request. */
export const MAX_EVENTS_PER_REQUEST = 100;

export interface Batch {
  accountId: number;
  app: AppWebhooks;
  events: WebhookEvent[];
}

/**
 * Gathers an app's events in one account for `windowMs` (or until 100 are waiting) and hands them on as one batch, as
 * HubSpot batches what happens close together into one request. An OAuth app installed in several accounts gets a
 * batch per account: each delivery's events carry one `portalId`.
 */
export class EventBatcher {
  private readonly pending = new Map<string, { batch: Batch; timer: NodeJS.Timeout }>();

  constructor(
    private readonly windowMs: number,
    private readonly send: (batch: Batch) => void,
  ) {}

  add(accountId: number, app: AppWebhooks, event: WebhookEvent): void {
    const key = `${accountId}/${app.appId}`;
    let open = this.pending.get(key);
    if (!open) {
      open = { batch: { accountId, app, events: [] }, timer: setTimeout(() => this.flush(key), this.windowMs) };
      this.pending.set(key, open);
    }
    open.batch.events.push(event);
    if (open.batch.events.length >= MAX_EVENTS_PER_REQUEST) this.flush(key);
  }

  /** Hands on every waiting batch now (the server is stopping). */
  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.flush(key);
  }

  private flush(key: string): void {
    const open = this.pending.get(key);
    if (!open) return;
    clearTimeout(open.timer);
    this.pending.delete(key);
    this.send(open.batch);
  }
}
