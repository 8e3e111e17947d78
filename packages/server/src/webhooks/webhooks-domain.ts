import type { Platform } from "../platform";
import type { CrmEvent } from "../crm/crm-events";
import { newTraceId } from "../logs/trace-context";
import { WebhookSubscriptions, matches } from "./subscriptions";
import { EventBatcher, type Batch } from "./batcher";
import { webhookEvent } from "./payload";
import { DELIVERY_JOB, deliveryJobHandler, type DeliveryJob } from "./delivery-job";

/** The delivery worker, registered on the platform's job queue at the root. */
export function registerWebhookJobs(p: Platform): void {
  p.jobs.handle(DELIVERY_JOB, deliveryJobHandler(p));
}

/**
 * From `start`: CRM changes become webhook events for the apps of the account that subscribe to them, batched per
 * app and queued as delivery jobs (durable, and claimed by one node). Each account's subscriptions are read once and
 * forgotten when a deploy in it commits, on whichever node. Returns what stops it; events still gathering are queued.
 */
export async function followCrmEventsForWebhooks(p: Platform): Promise<() => void> {
  const log = p.log.child({ domain: "webhooks" });
  const subscriptions = new WebhookSubscriptions(p.store.db);
  const queue = async (batch: Batch) => {
    const job: DeliveryJob = {
      accountId: batch.accountId,
      appId: batch.app.appId,
      componentUid: batch.app.componentUid,
      targetUrl: batch.app.targetUrl,
      maxConcurrentRequests: batch.app.maxConcurrentRequests,
      events: batch.events,
      attempt: 1,
      traceId: newTraceId(),
    };
    await p.jobs.enqueue(p.store.db, DELIVERY_JOB, job);
    p.jobs.wake();
  };
  const batcher = new EventBatcher(
    p.config.webhooks.batchMs,
    (batch) => void queue(batch).catch((err: unknown) => log.error({ err, appId: batch.app.appId }, "could not queue a webhook delivery")),
  );
  const route = async (events: readonly CrmEvent[]) => {
    const apps = await subscriptions.of(events[0]!.accountId);
    for (const event of events) {
      for (const app of apps) {
        for (const s of app.subscriptions) if (matches(s, event)) batcher.add(event.accountId, app, webhookEvent(event, s, app.appId));
      }
    }
  };
  const stopDeploys = await p.cluster.onDeploy((notice) => subscriptions.invalidate(notice.accountId));
  const stopEvents = p.crm.events.subscribe(
    (events) => void route(events).catch((err: unknown) => log.error({ err }, "could not match CRM events to webhook subscriptions")),
  );
  return () => {
    stopEvents();
    stopDeploys();
    batcher.flushAll();
  };
}
