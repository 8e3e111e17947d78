// Card renders and `logger.*` lines, sent to POST /api/v1/extension-events in batches so that a chatty card
// costs one request a second, not one per line.
import { api } from "../api-client";

export interface ExtensionEvent {
  appId: number;
  cardUid: string;
  location: string;
  objectTypeId?: string;
  objectId?: number;
  kind: "RENDER_SUCCESS" | "RENDER_FAILURE" | "LOG";
  level?: "debug" | "info" | "warn" | "error";
  message: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  durationMs?: number;
  timestamp: number;
}

const FLUSH_AFTER_MS = 1000;
/** The endpoint takes at most this many events per request. */
const BATCH_LIMIT = 100;

const queue: ExtensionEvent[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

export function reportExtensionEvent(event: ExtensionEvent): void {
  queue.push(event);
  if (queue.length >= BATCH_LIMIT) flushExtensionEvents();
  else timer ??= setTimeout(flushExtensionEvents, FLUSH_AFTER_MS);
}

export function flushExtensionEvents(): void {
  clearTimeout(timer);
  timer = undefined;
  while (queue.length) {
    // Losing a log batch must not disturb the page: the card itself already ran.
    api("POST", "/api/v1/extension-events", queue.splice(0, BATCH_LIMIT)).catch(() => undefined);
  }
}

// A page being closed or hidden may never run its timer.
addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") flushExtensionEvents();
});
