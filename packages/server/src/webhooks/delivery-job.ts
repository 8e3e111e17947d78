import pLimit, { type LimitFunction } from "p-limit";
import type { Platform } from "../platform";
import type { JobHandler } from "../jobs/job-queue";
import { appClientSecret } from "../apps/client-secret";
import { appReaches } from "../apps/app-reach";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureV3 } from "../extensions/request-signature";
import { FetchRefused, sendOutbound } from "../http/outbound-request";
import { newSpanId } from "../logs/trace-context";
import type { DeliveryOutcome } from "./tables";
import type { WebhookEvent } from "./payload";

export const DELIVERY_JOB = "webhooks.deliver";
/** HubSpot gives a target 5 seconds to answer. */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** The answer is not used; a little of it is kept for the log. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const KEPT_RESPONSE_CHARS = 500;
/** Deliveries of all apps a node sends at once; each app's own cap is its maxConcurrentRequests. */
const NODE_CONCURRENCY = 16;

/** One request's worth of events for an app, as queued; a retry is a new job with the next attempt. */
export interface DeliveryJob {
  accountId: number;
  appId: number;
  componentUid: string;
  targetUrl: string;
  maxConcurrentRequests: number;
  events: WebhookEvent[];
  /** 1 for the first try. */
  attempt: number;
  traceId: string;
}

/** HubSpot retries server errors, throttling, timeouts and failed connections; any other 4xx is the target's final answer. */
const retryable = (status: number | undefined, refusal: FetchRefused | undefined) =>
  refusal ? refusal.kind === "timeout" || refusal.kind === "unreachable" : status === 429 || status! >= 500;

/** The target as logs show it: never its query or user info. */
const shownUrl = (url: URL) => `${url.origin}${url.pathname}`;

/**
 * Sends a batch to the app's targetUrl as HubSpot does: a JSON array, signed with the app's client secret (v3), at
 * most `maxConcurrentRequests` of the app's requests in flight on this node. Each try is logged; a retryable failure
 * queues the next try after the configured back-off, in the same trace.
 */
export function deliveryJobHandler(p: Platform): JobHandler<DeliveryJob> {
  const limits = new Map<number, LimitFunction>();
  const limitFor = (job: DeliveryJob) => {
    let limit = limits.get(job.appId);
    if (!limit) limits.set(job.appId, (limit = pLimit(job.maxConcurrentRequests)));
    // A deploy may have changed the app's cap.
    else if (limit.concurrency !== job.maxConcurrentRequests) limit.concurrency = job.maxConcurrentRequests;
    return limit;
  };
  const { allowPrivateNetwork, retryDelaysMs } = p.config.webhooks;

  async function deliver(job: DeliveryJob, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // An OAuth app uninstalled from the account since the events were queued gets no more of its events, retries included.
    const reaches = await p.store.db
      .selectFrom("private_apps")
      .select("id")
      .where("id", "=", job.appId)
      .where(appReaches(job.accountId))
      .executeTakeFirst();
    if (!reaches) return;
    const url = new URL(job.targetUrl);
    const body = JSON.stringify(job.events.map((e) => ({ ...e, attemptNumber: job.attempt - 1 })));
    const timestamp = Date.now();
    const headers = {
      "content-type": "application/json",
      "user-agent": "Sprocket-Webhooks",
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signatureV3({
        clientSecret: await appClientSecret(p, job.appId),
        method: "POST",
        uri: url.href,
        body,
        timestamp,
      }),
      "X-HubSpot-Signature-Version": "v3",
      "X-HubSpot-Timeout-Millis": String(DELIVERY_TIMEOUT_MS),
    };
    const started = p.clock.now();
    let status: number | undefined;
    let refusal: FetchRefused | undefined;
    let answer = "";
    try {
      const response = await sendOutbound(
        { url, method: "POST", headers, body, timeoutMs: DELIVERY_TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES },
        { allowPrivateNetwork, sender: "Webhook delivery", setting: "SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK" },
      );
      status = response.status;
      answer = response.body.slice(0, KEPT_RESPONSE_CHARS);
    } catch (error) {
      if (!(error instanceof FetchRefused)) throw error;
      refusal = error;
    }
    const ok = status !== undefined && status >= 200 && status < 300;
    const retryIn = !ok && retryable(status, refusal) ? retryDelaysMs[job.attempt - 1] : undefined;
    const outcome: DeliveryOutcome = ok ? "delivered" : retryIn !== undefined ? "retrying" : "failed";
    const error = refusal?.message ?? (ok ? null : `${shownUrl(url)} answered ${status}${answer ? `: ${answer}` : ""}`);
    await p.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("webhook_deliveries")
        .values({
          account_id: job.accountId,
          app_id: job.appId,
          component_uid: job.componentUid,
          target_url: shownUrl(url),
          event_count: job.events.length,
          attempt: job.attempt,
          outcome,
          status: status ?? null,
          duration_ms: p.clock.now() - started,
          error,
          events: body,
          trace_id: job.traceId,
          span_id: newSpanId(),
          created_at: started,
        })
        .execute();
      if (retryIn !== undefined) await p.jobs.enqueue(trx, DELIVERY_JOB, { ...job, attempt: job.attempt + 1 }, { delayMs: retryIn });
    });
    if (retryIn !== undefined) p.jobs.wake();
  }

  return {
    concurrency: NODE_CONCURRENCY,
    run: (job, ctx) => limitFor(job)(() => deliver(job, ctx.signal)),
    abandon: async (job, reason) => p.log.error({ appId: job.appId, attempt: job.attempt, reason }, "a webhook delivery was given up"),
  };
}
