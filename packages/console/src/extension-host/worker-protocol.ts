// The page↔worker RPC. HubSpot fixes only the worker globals, so both ends of this are ours.
import type { RemoteChannel } from "@remote-ui/core";
import type {
  AssociationsPage,
  AssociationsRequest,
  CardAlert,
  CrmProperties,
  CrmSearchPage,
  CrmSearchRequest,
  ExtensionContext,
  FetchHubSpotApiRequest,
  FetchHubSpotApiResponse,
  IframeModalRequest,
  LogLevel,
  ProxiedFetchRequest,
  ProxiedFetchResponse,
  ServerlessResult,
} from "./contract";

export interface LoadRequest {
  bundleUrl: string;
  context: ExtensionContext;
  channel: RemoteChannel;
}

/** Exposed by the worker. A card that fails to load is an answer, not a thrown error. */
export interface WorkerApi {
  load(request: LoadRequest): Promise<{ failure?: FailureReport }>;
}

export interface ServerlessCall {
  name: string;
  parameters?: Record<string, unknown>;
  propertiesToSend?: string[];
  payload?: unknown;
}

export interface FailureReport {
  name: string;
  message: string;
  stack?: string;
}

/** A data answer as the SDK's hooks expect it inside `Response.json()`. */
export interface DataAnswer<T> {
  data?: T;
  error?: string;
}

/** Exposed by the page to its card's worker. */
export interface PageApi {
  log(level: LogLevel, message: string): void;
  reportFailure(failure: FailureReport): void;
  addAlert(alert: CardAlert): void;
  reloadPage(): void;
  fetchCrmObjectProperties(names: string[] | "*"): Promise<CrmProperties>;
  refreshObjectProperties(): void;
  onCrmPropertiesUpdate(names: string[] | "*", callback: (properties: CrmProperties, error?: { message: string }) => void): void;
  openIframeModal(request: IframeModalRequest, onClose?: () => void): void;
  closeOverlay(id: string): void;
  copyTextToClipboard(text: string): Promise<void>;
  navigateToPage(target: { to: string; params?: Record<string, string> }): void;
  runServerlessFunction(call: ServerlessCall): Promise<ServerlessResult>;
  hsFetch(request: ProxiedFetchRequest): Promise<DataAnswer<ProxiedFetchResponse>>;
  fetchCrmProperties(
    names: string[],
    onUpdate: (properties: CrmProperties) => void,
  ): Promise<DataAnswer<CrmProperties> & { subscription?: number }>;
  unsubscribe(subscription: number): void;
  fetchAssociations(request: AssociationsRequest): Promise<DataAnswer<AssociationsPage>>;
  fetchCrmSearch(request: CrmSearchRequest): Promise<DataAnswer<CrmSearchPage>>;
  fetchHubSpotApi(request: FetchHubSpotApiRequest): Promise<FetchHubSpotApiResponse>;
  formatCrmProperties(request: { propertiesList: CrmProperties[]; objectType: string }): Promise<CrmProperties[]>;
}
