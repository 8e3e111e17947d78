import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

/**
 * delivered: the target answered 2xx. retrying: it failed in a way HubSpot retries (5xx, 429, timeout, no connection)
 * and a later attempt is queued. failed: given up (a 4xx, a refused address, or the last retry failed).
 */
export type DeliveryOutcome = "delivered" | "retrying" | "failed";

/** One POST of a batch of events to an app's `targetUrl` (each retry is a row of its own, in the batch's trace). */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  account_id: number;
  app_id: number;
  component_uid: string;
  /** Origin and path only: a query can carry credentials. */
  target_url: string;
  event_count: number;
  /** 1 for the first try; HubSpot's `attemptNumber` in the payload is this minus one. */
  attempt: number;
  outcome: DeliveryOutcome;
  /** The target's HTTP status; null when none came back. */
  status: number | null;
  duration_ms: number;
  error: string | null;
  /** JSON array of the events sent. */
  events: string;
  trace_id: string;
  span_id: string;
  created_at: Millis;
}

export interface WebhookTables {
  webhook_deliveries: WebhookDeliveriesTable;
}
