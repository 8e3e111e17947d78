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
 * Gathers an app's events for `windowMs` (or until 100 are waiting) and hands them on as one batch, as HubSpot
 * batches what happens close together into one request.
 */
export class EventBatcher {
  private readonly pending = new Map<number, { batch: Batch; timer: NodeJS.Timeout }>();

  constructor(
    private readonly windowMs: number,
    private readonly send: (batch: Batch) => void,
  ) {}

  add(accountId: number, app: AppWebhooks, event: WebhookEvent): void {
    let open = this.pending.get(app.appId);
    if (!open) {
      open = { batch: { accountId, app, events: [] }, timer: setTimeout(() => this.flush(app.appId), this.windowMs) };
      this.pending.set(app.appId, open);
    }
    open.batch.events.push(event);
    if (open.batch.events.length >= MAX_EVENTS_PER_REQUEST) this.flush(app.appId);
  }

  /** Hands on every waiting batch now (the server is stopping). */
  flushAll(): void {
    for (const appId of [...this.pending.keys()]) this.flush(appId);
  }

  private flush(appId: number): void {
    const open = this.pending.get(appId);
    if (!open) return;
    clearTimeout(open.timer);
    this.pending.delete(appId);
    this.send(open.batch);
  }
}
