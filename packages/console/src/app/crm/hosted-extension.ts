// Mounting one app extension (a record card, an app home page or a settings page) in the extension host, wired to
// Sprocket's API: app functions, hubspot.fetch, console navigation, and its renders and logs as extension events.
import { navigate } from "wouter/use-browser-location";
import { mountCard, type CardServices, type ExtensionContext, type MountedCard } from "../../extension-host";
import { api } from "../api-client";
import { reportExtensionEvent } from "./extension-events";

const WORKER_URL = "/extension-host/worker.js";

/** Which extension is running where: the fields every event and `hubspot.fetch` call of the extension carries. */
export interface ExtensionPlace {
  appId: number;
  /** The card's or page's uid. */
  cardUid: string;
  location: string;
  objectTypeId?: string;
  objectId?: number;
}

export interface HostedExtension {
  place: ExtensionPlace;
  title: string;
  bundleUrl: string;
  context: ExtensionContext;
  /** What the page adds: CRM data, alerts, reloads. */
  services?: Partial<CardServices>;
}

/** The app function endpoint answers 200 `{response}`, or a HubSpot error whose message names the function and the trace. */
async function invokeAppFunction(appId: number, ...[request, { traceparent }]: Parameters<CardServices["invoke"]>): Promise<unknown> {
  const result = await api<{ response: unknown }>(
    "POST",
    `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`,
    request,
    {
      headers: { traceparent },
    },
  );
  return result.response;
}

/**
 * `hubspot.fetch`: the server proxies the extension's request (permitted URLs only, signed, limited) and answers with
 * the backend's status, headers and body; a refused request is an error whose message the extension sees.
 */
async function proxyFetch(place: ExtensionPlace, ...[request, { traceparent }]: Parameters<NonNullable<CardServices["fetchProxy"]>>) {
  const { appId, ...where } = place;
  return api<Awaited<ReturnType<NonNullable<CardServices["fetchProxy"]>>>>(
    "POST",
    `/api/v1/card-fetch/${appId}`,
    { ...request, ...where },
    { headers: { traceparent } },
  );
}

/** Runs the extension in its own worker inside `element`, and reports its render (success or failure) and its logs. */
export function mountHostedExtension(element: Element, { place, title, bundleUrl, context, services }: HostedExtension): MountedCard {
  const started = performance.now();
  const handle = mountCard(element, {
    bundleUrl,
    workerUrl: WORKER_URL,
    cardId: place.cardUid,
    context,
    services: {
      invoke: (request, meta) => invokeAppFunction(place.appId, request, meta),
      fetchProxy: (request, meta) => proxyFetch(place, request, meta),
      // Only same-origin paths arrive here (the card session opens external URLs in a new tab, after a click).
      onNavigate: (path) => navigate(path),
      onLog: (line) =>
        reportExtensionEvent({
          ...place,
          kind: "LOG",
          level: line.level,
          message: line.message,
          traceId: line.traceId,
          spanId: line.spanId,
          timestamp: Date.parse(line.time),
        }),
      ...services,
    },
  });
  const render = { ...place, traceId: handle.traceId, spanId: handle.renderSpanId };
  handle.ready.then(
    () => {
      const durationMs = Math.round(performance.now() - started);
      reportExtensionEvent({
        ...render,
        kind: "RENDER_SUCCESS",
        level: "info",
        message: `Rendered ${title} in ${durationMs} ms`,
        durationMs,
        timestamp: Date.now(),
      });
    },
    (error: unknown) =>
      reportExtensionEvent({
        ...render,
        kind: "RENDER_FAILURE",
        level: "error",
        message: error instanceof Error ? error.message : String(error),
        durationMs: Math.round(performance.now() - started),
        timestamp: Date.now(),
      }),
  );
  return handle;
}
