// Entry of the card worker (one per card). Sets the globals HubSpot's SDK reads, then loads the
// card bundle as a classic script and renders what it hands to hubspot.extend().
import { Component, createElement, type ErrorInfo, type ReactNode } from "react";
import * as RemoteUI from "@remote-ui/react";
import { createRemoteRoot, type RemoteRoot } from "@remote-ui/core";
import { createEndpoint, retain, type MessageEndpoint } from "@remote-ui/rpc";
import { ApiProvider, createExtensionApi, workerGlobals, type ExtensionApi } from "./worker-globals";
import { lockDownWorker } from "./worker-lockdown";
import type { FailureReport, LoadRequest, PageApi, WorkerApi } from "./worker-protocol";

const scope = self as unknown as DedicatedWorkerGlobalScope & Record<string, unknown>;
const messenger: MessageEndpoint = {
  postMessage: scope.postMessage.bind(scope),
  addEventListener: scope.addEventListener.bind(scope),
  removeEventListener: scope.removeEventListener.bind(scope),
};
const endpoint = createEndpoint<PageApi>(messenger);
const page = endpoint.call;
const loadScript = scope.importScripts.bind(scope);

function failure(error: unknown): FailureReport {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}

class CardBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    const report = failure(error);
    page.reportFailure({ ...report, stack: `${report.stack ?? ""}${info.componentStack ?? ""}` });
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

// Errors in event handlers and promises do not take the card down (as on HubSpot); they are logged.
scope.addEventListener("error", (event) => void page.log("error", `Uncaught ${event.message}`));
scope.addEventListener("unhandledrejection", (event) => {
  const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
  void page.log("error", `Unhandled promise rejection: ${reason}`);
});

let loaded = false;

async function load(request: LoadRequest): Promise<{ failure?: FailureReport }> {
  try {
    await run(request);
    return {};
  } catch (error) {
    return { failure: failure(error) };
  }
}

async function run({ bundleUrl, context, channel }: LoadRequest): Promise<void> {
  if (loaded) throw new Error("This worker already runs a card");
  loaded = true;
  retain(channel);
  const root: RemoteRoot = createRemoteRoot(channel);
  const api = createExtensionApi(page, context);
  let render: (() => Promise<void>) | undefined;
  let evaluated = false;

  const schedule = (run: () => Promise<void>) => {
    if (render) throw new Error("hubspot.extend() was called more than once");
    render = run;
    // The bundle may call hubspot.extend before its component is declared: never render during evaluation.
    if (evaluated) void run().catch((error) => page.reportFailure(failure(error)));
  };

  Object.assign(
    scope,
    workerGlobals({
      page,
      RemoteUI,
      onExtendV2: (callback: (api: ExtensionApi) => ReactNode) =>
        schedule(async () => {
          const element = callback(api);
          const tree = createElement(ApiProvider, { api }, createElement(CardBoundary, null, element));
          RemoteUI.createRoot(root).render(tree);
          await root.mount();
        }),
      onExtendLegacy: (callback: (root: RemoteRoot, api: ExtensionApi) => void) =>
        schedule(async () => {
          callback(root, api);
        }),
    }),
  );
  lockDownWorker();

  loadScript(bundleUrl);
  evaluated = true;
  if (!render) throw new Error("The card bundle finished loading without calling hubspot.extend()");
  await render();
}

const workerApi: WorkerApi = { load };
endpoint.expose({ ...workerApi });
