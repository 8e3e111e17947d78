// The globals HubSpot's SDK reads from `self` (reference §1.2), built for one card.
import React, { createContext, useContext, type ReactNode } from "react";
import type { RemoteCallable } from "@remote-ui/rpc";
import type { CrmProperties, ExtensionContext, LogLevel } from "./contract";
import type { PageApi, ServerlessCall } from "./worker-protocol";

type Page = RemoteCallable<PageApi>;

export interface ExtensionApi {
  context: ExtensionContext;
  actions: Record<string, (...args: never[]) => unknown>;
  runServerlessFunction: (call: ServerlessCall) => ReturnType<Page["runServerlessFunction"]>;
}

const ApiContext = createContext<ExtensionApi | null>(null);

export function ApiProvider({ api, children }: { api: ExtensionApi; children?: ReactNode }) {
  return React.createElement(ApiContext.Provider, { value: api }, children);
}

function useApi(): ExtensionApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("HubSpot extension hooks can only be used inside a component rendered by hubspot.extend()");
  return api;
}

/** The Response-like object the SDK's data helpers call `.json()` on. */
function answer<T>(body: T, ok = true) {
  return { ok, status: ok ? 200 : 500, json: async () => body };
}

const describe = (data: unknown): string => (typeof data === "string" ? data : (JSON.stringify(data) ?? String(data)));

export function createExtensionApi(page: Page, context: ExtensionContext): ExtensionApi {
  return {
    context,
    runServerlessFunction: (call) => page.runServerlessFunction(call),
    actions: {
      addAlert: (alert: Parameters<PageApi["addAlert"]>[0]) => void page.addAlert(alert),
      reloadPage: () => void page.reloadPage(),
      fetchCrmObjectProperties: (names: string[] | "*") => page.fetchCrmObjectProperties(names),
      refreshObjectProperties: () => void page.refreshObjectProperties(),
      onCrmPropertiesUpdate: (names: string[] | "*", callback: (p: CrmProperties, e?: { message: string }) => void) =>
        void page.onCrmPropertiesUpdate(names, callback),
      openIframeModal: (request: Parameters<PageApi["openIframeModal"]>[0], onClose?: () => void) =>
        void page.openIframeModal(request, onClose),
      closeOverlay: (id: string) => void page.closeOverlay(id),
      copyTextToClipboard: (text: string) => page.copyTextToClipboard(text),
      navigateToPage: (target: { to: string; params?: Record<string, string> }) => void page.navigateToPage(target),
    },
  };
}

export interface WorkerGlobalsOptions {
  page: Page;
  RemoteUI: unknown;
  /** `extend_V2(cb)`: cb(api) returns the element the host renders. */
  onExtendV2: (render: (api: ExtensionApi) => ReactNode) => void;
  /** `extend(cb)` (SDK ≤ 0.8.2): cb(remoteRoot, api) renders by itself. */
  onExtendLegacy: (render: (root: unknown, api: ExtensionApi) => void) => void;
}

export function workerGlobals({ page, RemoteUI, onExtendV2, onExtendLegacy }: WorkerGlobalsOptions) {
  const log = (level: LogLevel) => (data: unknown) => void page.log(level, describe(data));
  return {
    React,
    RemoteUI,
    __HUBSPOT_EXTENSION_WORKER__: true,
    extend_V2: onExtendV2,
    extend: onExtendLegacy,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    serverless: async (name: string, options: Omit<ServerlessCall, "name"> = {}) => {
      const result = await page.runServerlessFunction({ ...options, name });
      if (result.status === "ERROR") throw new Error(result.message);
      return result.response;
    },
    hsFetch: async (url: string, options: { method?: string; timeout?: number; body?: unknown; headers?: Record<string, string> } = {}) => {
      const { data: reply, error } = await page.hsFetch({
        url,
        method: options.method ?? "GET",
        timeoutMs: options.timeout,
        body: options.body,
        headers: options.headers,
      });
      if (!reply) throw new Error(error);
      return new Response(reply.status === 204 || reply.status === 304 ? null : reply.body, {
        status: reply.status,
        headers: reply.headers,
      });
    },
    hsWorkerAPI: {
      useExtensionContext: () => useApi().context,
      useExtensionActions: () => useApi().actions,
      useExtensionApi: () => useApi(),
      useAppPageLocation: () => ({ path: "/", params: {} }),
      fetchCrmProperties: async (names: string[], onUpdate: (properties: CrmProperties) => void) => {
        const { data, error, subscription } = await page.fetchCrmProperties(names, onUpdate);
        const cleanup = () => subscription !== undefined && void page.unsubscribe(subscription);
        return answer({ data, error, cleanup }, !error);
      },
      fetchAssociations: async (request: Parameters<PageApi["fetchAssociations"]>[0]) => {
        const reply = await page.fetchAssociations(request);
        return answer(reply, !reply.error);
      },
      fetchCrmSearch: async (request: Parameters<PageApi["fetchCrmSearch"]>[0]) => {
        const reply = await page.fetchCrmSearch(request);
        return answer(reply, !reply.error);
      },
      fetchHubSpotApi: (request: Parameters<PageApi["fetchHubSpotApi"]>[0]) => page.fetchHubSpotApi(request),
      // The SDK reads this answer as the bare list of formatted records.
      formatCrmProperties: async (request: Parameters<PageApi["formatCrmProperties"]>[0]) =>
        answer(await page.formatCrmProperties(request)),
    },
  };
}
