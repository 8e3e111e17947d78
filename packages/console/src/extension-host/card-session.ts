// The page side of one card: its worker, the remote-ui receiver the worker renders into, and the
// implementation of every call the card can make to the page.
import { createRemoteReceiver, type RemoteReceiver } from "@remote-ui/core";
import { createEndpoint, fromWebWorker, release, retain, type Endpoint } from "@remote-ui/rpc";
import type {
  CardAlert,
  CardLogLine,
  CardServices,
  CrmProperties,
  CrmRecordRef,
  ExtensionContext,
  IframeModalRequest,
  LogLevel,
  ServerlessRequest,
  ServerlessResult,
} from "./contract";
import { decideNavigation, GESTURE_WINDOW_MS, iframeModalUrl } from "./card-navigation";
import { newSpanId, newTraceId, traceparent } from "./trace-context";
import type { DataAnswer, FailureReport, PageApi, ServerlessCall, WorkerApi } from "./worker-protocol";

export interface CardOptions {
  /** URL of the card's IIFE bundle, as HubSpot's builder emits it. */
  bundleUrl: string;
  /** URL of the built worker script (dist/extension-host/worker.js). */
  workerUrl: string | URL;
  /** HubSpot's `extensibleCardId`: identifies the card in function calls and logs. */
  cardId: string;
  context: ExtensionContext;
  services: CardServices;
}

export type CardStatus = "loading" | "ready" | "failed";

export interface CardState {
  status: CardStatus;
  failure?: FailureReport;
  /** The failure's stack frames in the project's files (services.mapStack), once the server has answered. */
  failureFrames?: string[];
  alerts: (CardAlert & { key: number })[];
  iframeModal?: IframeModalRequest & { onClose?: () => void };
  /** Bumped by refreshObjectProperties so Crm* components read again. */
  crmVersion: number;
}

interface PropertyWatch {
  names: string[] | "*";
  callback: (properties: CrmProperties, error?: { message: string }) => void;
  /** The card's function proxy, released when the watch ends. */
  proxy: (...args: never[]) => unknown;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function validateCardOptions(options: CardOptions): void {
  const problems: string[] = [];
  if (typeof options?.bundleUrl !== "string" || options.bundleUrl === "") problems.push("bundleUrl must be a non-empty URL");
  if (!options?.workerUrl) problems.push("workerUrl must be the URL of the built worker.js");
  if (typeof options?.cardId !== "string" || options.cardId === "") problems.push("cardId must be a non-empty string");
  if (!options?.context?.user || !options.context.portal || !options.context.location)
    problems.push("context must have location, user and portal");
  if (typeof options?.services?.invoke !== "function") problems.push("services.invoke must be a function");
  if (problems.length) throw new TypeError(`Cannot mount card: ${problems.join("; ")}`);
}

export class CardSession {
  readonly traceId = newTraceId();
  readonly renderSpanId = newSpanId();
  readonly receiver: RemoteReceiver = createRemoteReceiver();
  readonly ready: Promise<void>;
  private state: CardState = { status: "loading", alerts: [], crmVersion: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly overlays = new Map<string, () => void>();
  private readonly watches = new Map<number, PropertyWatch>();
  private nextId = 1;
  private readonly worker: Worker;
  private readonly endpoint: Endpoint<WorkerApi>;
  private terminated = false;
  /** When the user last clicked inside this card (performance.now()); an external URL may open just after. */
  private lastGesture = Number.NEGATIVE_INFINITY;
  private rejectReady: ((error: Error) => void) | undefined;

  constructor(private readonly options: CardOptions) {
    validateCardOptions(options);
    this.worker = new Worker(options.workerUrl, { name: `card ${options.cardId}` });
    this.endpoint = createEndpoint<WorkerApi>(fromWebWorker(this.worker));
    this.endpoint.expose({ ...this.pageApi() });
    this.ready = new Promise<void>((resolve, reject) => {
      // A failure reported while loading ends the worker, and with it the pending load call: it settles `ready` itself.
      this.rejectReady = reject;
      this.endpoint.call
        .load({ bundleUrl: new URL(options.bundleUrl, location.href).href, context: options.context, channel: this.receiver.receive })
        .then(
          ({ failure }) => {
            if (failure) this.fail(failure);
            if (this.state.status === "loading") this.update({ status: "ready" });
            if (this.state.status === "failed") reject(this.failureError());
            else resolve();
          },
          (error: unknown) => this.reportHostFailure(error),
        );
    });
    // Callers that never await `ready` still see the failure on screen and in the log sink.
    this.ready.catch(() => {});
  }

  get snapshot(): CardState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get services(): CardServices {
    return this.options.services;
  }

  get record(): CrmRecordRef | undefined {
    return this.options.context.crm;
  }

  /** Modal and Panel register here while open so `closeOverlay(id)` can find them. */
  registerOverlay(id: string, close: () => void): () => void {
    this.overlays.set(id, close);
    return () => {
      if (this.overlays.get(id) === close) this.overlays.delete(id);
    };
  }

  closeOverlayById(id: string): void {
    this.overlays.get(id)?.();
  }

  dismissAlert(key: number): void {
    this.update({ alerts: this.state.alerts.filter((alert) => alert.key !== key) });
  }

  closeIframeModal(): void {
    const modal = this.state.iframeModal;
    this.update({ iframeModal: undefined });
    if (modal?.onClose) {
      callQuietly(modal.onClose);
      release(modal.onClose);
    }
  }

  /** The card frame reports the user's own clicks (trusted events) in the card, its overlays included. */
  noteUserGesture(event: Event): void {
    if (event.isTrusted) this.lastGesture = performance.now();
  }

  /** `navigateToPage` and Link: console paths through the console's router, external URLs in a new tab after a click. */
  navigate(target: unknown): void {
    const decision = decideNavigation(target, location.href);
    const to = (target as { to?: unknown } | undefined)?.to;
    if (decision.kind === "console") {
      const onNavigate = this.options.services.onNavigate;
      return onNavigate ? onNavigate(decision.path) : location.assign(decision.path);
    }
    if (decision.kind === "refused") return this.log("warn", `navigateToPage to ${String(to)} refused: ${decision.reason}`);
    // The page's own transient activation must be live too: a click elsewhere, or long ago, does not count.
    const clicked = performance.now() - this.lastGesture < GESTURE_WINDOW_MS && navigator.userActivation?.isActive !== false;
    if (!clicked)
      return this.log("warn", `navigateToPage to ${decision.url} refused: external pages open only when the user clicks in the card`);
    this.lastGesture = Number.NEGATIVE_INFINITY;
    window.open(decision.url, "_blank", "noopener,noreferrer");
  }

  /** Re-reads the record's properties for every subscriber, as after an edit on the record page. */
  async refreshProperties(): Promise<void> {
    this.update({ crmVersion: this.state.crmVersion + 1 });
    await Promise.all(
      [...this.watches.values()].map(async ({ names, callback }) => {
        try {
          callQuietly(callback, await this.fetchRecordProperties(names));
        } catch (error) {
          callQuietly(callback, {}, { message: errorMessage(error) });
        }
      }),
    );
  }

  log(level: LogLevel, message: string, spanId = this.renderSpanId): void {
    const { context, cardId } = this.options;
    const line: CardLogLine = {
      level,
      message,
      traceId: this.traceId,
      spanId,
      card: { appId: context.extension?.appId, extensibleCardId: cardId, cardTitle: context.extension?.cardTitle },
      time: new Date().toISOString(),
    };
    this.options.services.onLog?.(line);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.endpoint.terminate();
    this.worker.terminate();
    for (const { proxy } of this.watches.values()) release(proxy);
    this.watches.clear();
  }

  private failureError(): Error {
    const failure = this.state.failure;
    return Object.assign(new Error(`Card ${this.options.cardId} failed (trace ${this.traceId}): ${failure?.message}`), {
      traceId: this.traceId,
    });
  }

  /** Where the page shows this card's trace, if it does. */
  get traceUrl(): string | undefined {
    return this.options.services.traceUrl?.(this.traceId);
  }

  /** Opens a same-origin path in the page's router (or loads it when the page has none). */
  openPath(path: string): void {
    const onNavigate = this.options.services.onNavigate;
    if (onNavigate) onNavigate(path);
    else location.assign(path);
  }

  /** A failure seen on the page side (e.g. a component that cannot render the card's props). */
  reportHostFailure(error: unknown): void {
    this.fail({ name: (error as Error)?.name ?? "Error", message: errorMessage(error), stack: (error as Error)?.stack });
  }

  private fail(failure: FailureReport): void {
    if (this.state.status === "failed") return;
    this.log("error", `Card failed: ${failure.name}: ${failure.message}${failure.stack ? `\n${failure.stack}` : ""}`);
    this.update({ status: "failed", failure });
    this.rejectReady?.(this.failureError());
    this.terminate();
    const { mapStack } = this.options.services;
    if (mapStack && failure.stack) {
      mapStack(failure.stack).then(
        (stack) =>
          this.update({
            failureFrames: stack
              .split("\n")
              .filter((line) => /^\s+(at|…) /.test(line))
              .map((line) => line.trim()),
          }),
        // Without the server's answer the details keep the message alone.
        () => undefined,
      );
    }
  }

  private update(patch: Partial<CardState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private requireRecord(): CrmRecordRef {
    if (!this.record) throw new Error("This card is not on a CRM record");
    return this.record;
  }

  private async fetchRecordProperties(names: string[] | "*"): Promise<CrmProperties> {
    const hostData = this.options.services.hostData;
    if (!hostData) throw new Error("CRM data is not available on this page");
    return hostData.fetchProperties(this.requireRecord(), names);
  }

  private async dataAnswer<T>(read: () => Promise<T>): Promise<DataAnswer<T>> {
    try {
      return { data: await read() };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  private serverlessRequest(call: ServerlessCall): ServerlessRequest {
    const { context, cardId } = this.options;
    const record = context.crm;
    return {
      appId: context.extension?.appId ?? 0,
      extensibleCardId: cardId,
      serverlessFunction: call.name,
      location: context.location,
      ...(record && {
        objectQuery: { objectId: record.objectId, objectTypeId: record.objectTypeId, objectPropertyNames: call.propertiesToSend ?? [] },
      }),
      parameters: call.parameters ?? {},
      event: { type: "SERVERLESS_ACTION_HOOK", payload: call.payload ?? {} },
    };
  }

  private pageApi(): PageApi {
    const services = this.options.services;
    return {
      log: (level, message) => this.log(level, message),
      reportFailure: (failure) => this.fail(failure),
      addAlert: (alert) => {
        this.log("debug", `addAlert ${alert.type ?? "info"}: ${alert.message}`);
        if (services.onAlert) services.onAlert(alert);
        else this.update({ alerts: [...this.state.alerts, { ...alert, key: this.nextId++ }] });
      },
      reloadPage: () => (services.onReloadPage ? services.onReloadPage() : location.reload()),
      fetchCrmObjectProperties: async (names) => {
        const properties = await this.fetchRecordProperties(names);
        return Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, value ?? ""]));
      },
      refreshObjectProperties: () => (services.onRefreshProperties ? services.onRefreshProperties() : void this.refreshProperties()),
      onCrmPropertiesUpdate: (names, callback) => {
        retain(callback);
        this.watches.set(this.nextId++, { names, callback, proxy: callback });
      },
      openIframeModal: (request, onClose) => {
        const uri = iframeModalUrl(request?.uri, location.href);
        if (!uri) return this.log("warn", `openIframeModal refused ${String(request?.uri)}: the page must be an https URL`);
        if (onClose) retain(onClose);
        this.update({ iframeModal: { ...request, uri, onClose } });
      },
      closeOverlay: (id) => {
        if (this.state.iframeModal) this.closeIframeModal();
        this.closeOverlayById(id);
      },
      copyTextToClipboard: (text) => navigator.clipboard.writeText(text),
      navigateToPage: (target) => this.navigate(target),
      runServerlessFunction: async (call) => this.runServerless(call),
      // A refusal is an answer, not a rejection: remote-ui rethrows rejections on this side, as page errors.
      hsFetch: (request) =>
        this.dataAnswer(() => {
          if (!services.fetchProxy) throw new Error("hubspot.fetch is not available on this page");
          const spanId = newSpanId();
          this.log("debug", `hubspot.fetch ${request.method} ${request.url}`, spanId);
          return services.fetchProxy(request, { traceparent: traceparent(this.traceId, spanId) });
        }),
      fetchCrmProperties: async (names, onUpdate) => {
        const answer = await this.dataAnswer(() => this.fetchRecordProperties(names));
        if (answer.error) return answer;
        const subscription = this.nextId++;
        retain(onUpdate);
        this.watches.set(subscription, { names, callback: (properties, error) => !error && onUpdate(properties), proxy: onUpdate });
        return { ...answer, subscription };
      },
      unsubscribe: (subscription) => {
        const watch = this.watches.get(subscription);
        if (watch) release(watch.proxy);
        this.watches.delete(subscription);
      },
      fetchAssociations: (request) =>
        this.dataAnswer(() => {
          if (!services.hostData) throw new Error("CRM data is not available on this page");
          return services.hostData.fetchAssociations(this.requireRecord(), request);
        }),
      fetchCrmSearch: (request) =>
        this.dataAnswer(() => {
          if (!services.hostData) throw new Error("CRM data is not available on this page");
          return services.hostData.search(request);
        }),
      fetchHubSpotApi: async (request) => {
        if (!services.fetchHubSpotApi) throw new Error("The HubSpot API client is not available on this page");
        return services.fetchHubSpotApi(request, { traceparent: traceparent(this.traceId, newSpanId()) });
      },
      // Sprocket has no display formatting metadata yet: values are returned as stored.
      formatCrmProperties: async ({ propertiesList }) => propertiesList,
    };
  }

  private async runServerless(call: ServerlessCall): Promise<ServerlessResult> {
    if (typeof call?.name !== "string" || call.name === "") {
      return { status: "ERROR", message: "runServerlessFunction needs the name of an app function" };
    }
    const spanId = newSpanId();
    this.log("info", `Running app function ${call.name}`, spanId);
    try {
      const response = await this.options.services.invoke(this.serverlessRequest(call), {
        traceparent: traceparent(this.traceId, spanId),
      });
      return { status: "SUCCESS", response };
    } catch (error) {
      this.log("error", `App function ${call.name} failed: ${errorMessage(error)}`, spanId);
      return { status: "ERROR", message: errorMessage(error) };
    }
  }
}

/** Calls into a card can fail once its worker is gone; that must not surface as page errors. */
export function callQuietly<A extends unknown[]>(fn: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (typeof fn !== "function") return;
  try {
    const result = fn(...args);
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // The card is gone.
  }
}
