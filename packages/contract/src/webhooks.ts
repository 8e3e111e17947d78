// `/api/v1/private-apps/:appId/logs/webhooks`: an app's webhook deliveries, each try a row of its own, newest first.
import { z } from "zod";

/** delivered: a 2xx answer. retrying: a failure HubSpot retries, the next try queued. failed: given up. */
export const WEBHOOK_OUTCOMES = ["delivered", "retrying", "failed"] as const;

export const webhookDelivery = z.object({
  id: z.string(),
  componentUid: z.string(),
  /** Origin and path only: a query can carry credentials. */
  targetUrl: z.string(),
  /** 1 for the first try. */
  attempt: z.number(),
  outcome: z.enum(WEBHOOK_OUTCOMES),
  /** The target's HTTP status; null when none came back. */
  status: z.number().nullable(),
  latencyMs: z.number(),
  /** Why the try failed, with the start of what the target answered. */
  error: z.string().nullable(),
  eventCount: z.number(),
  /** The events as they were sent (the request body). */
  events: z.array(z.unknown()),
  traceId: z.string(),
  spanId: z.string(),
  createdAt: z.string(),
});

export const webhookDeliveryPage = z.object({
  results: z.array(webhookDelivery),
  paging: z.object({ next: z.object({ before: z.string() }) }).optional(),
});

export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
export type WebhookDelivery = z.infer<typeof webhookDelivery>;
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPage>;
