// What a card sees (HubSpot's shapes) and what the page that embeds cards must supply.
// The console wires these services to Sprocket's HTTP API; tests wire them in the page.

export type ExtensionLocation =
  "crm.record.tab" | "crm.record.sidebar" | "crm.preview" | "helpdesk.sidebar" | "settings" | "home" | "pages" | "crm.bulkActions";

export interface ExtensionUser {
  id: number;
  email: string;
  emails?: string[];
  firstName?: string;
  lastName?: string;
  roles?: string[];
  teams?: { id: number; name: string; teammates?: number[] }[];
  locale?: string;
  language?: string;
  permissions?: string[];
}

export interface CrmRecordRef {
  objectId: number;
  objectTypeId: string;
}

export interface ExtensionContext {
  location: ExtensionLocation;
  user: ExtensionUser;
  portal: { id: number; timezone: string };
  crm?: CrmRecordRef;
  extension?: { appId: number; appName?: string; cardTitle?: string };
  variables?: Record<string, string | number | boolean>;
}

export type AlertType = "info" | "warning" | "success" | "danger" | "tip";
export interface CardAlert {
  type?: AlertType;
  message: string;
  title?: string;
}

export interface IframeModalRequest {
  uri: string;
  height: number;
  width: number;
  title?: string;
  flush?: boolean;
}

/** The body HubSpot's page POSTs to /api/crm-extensibility/execution/internal/v3/action/function/:appId. */
export interface ServerlessRequest {
  appId: number;
  extensibleCardId: string;
  serverlessFunction: string;
  location: ExtensionLocation;
  objectQuery?: { objectId: number; objectTypeId: string; objectPropertyNames: string[] };
  parameters: Record<string, unknown>;
  event: { type: "SERVERLESS_ACTION_HOOK"; payload: unknown };
}

/**
 * Runs an app function for a card. Resolves to the function's response; rejects with an Error whose
 * message is shown to the card. `traceparent` goes in the request's `traceparent` header.
 */
export type ServerlessInvoker = (request: ServerlessRequest, meta: { traceparent: string }) => Promise<unknown>;

export type ServerlessResult = { status: "SUCCESS"; response: unknown } | { status: "ERROR"; message: string };

/** `hubspot.fetch` as HubSpot's proxy endpoint sees it (only Authorization may be forwarded). */
export interface ProxiedFetchRequest {
  url: string;
  method: string;
  timeoutMs?: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface ProxiedFetchResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}
export type FetchProxy = (request: ProxiedFetchRequest, meta: { traceparent: string }) => Promise<ProxiedFetchResponse>;

export interface FetchHubSpotApiRequest {
  path: string;
  method: string;
  headers?: Record<string, string>;
  contentType?: string;
  body?: Record<string, unknown>;
}
export interface FetchHubSpotApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type CrmProperties = Record<string, string | null>;

export interface AssociationsRequest {
  toObjectType: string;
  properties?: string[];
  pageLength?: number;
  offset?: number;
}
export interface AssociationsPage {
  results: {
    toObjectId: number;
    associationTypes: { category: string; typeId: number; label: string }[];
    properties: CrmProperties;
  }[];
  hasMore: boolean;
  nextOffset: number;
}

export interface CrmSearchRequest {
  objectType: string;
  properties?: string[];
  query?: string;
  filterGroups?: { filters: { propertyName: string; operator: string; value?: unknown; values?: unknown[]; highValue?: unknown }[] }[];
  sorts?: { propertyName: string; direction: "ASCENDING" | "DESCENDING" }[];
  pageLength?: number;
  after?: string;
}
export interface CrmSearchPage {
  results: { objectId: number; properties: CrmProperties }[];
  total: number;
  hasMore: boolean;
  after?: string;
}

/** CRM reads for `Crm*` components, data hooks and `fetchCrmObjectProperties`, backed by the CRM API. */
export interface CrmHostData {
  fetchProperties(record: CrmRecordRef, names: string[] | "*"): Promise<CrmProperties>;
  fetchAssociations(record: CrmRecordRef, request: AssociationsRequest): Promise<AssociationsPage>;
  search(request: CrmSearchRequest): Promise<CrmSearchPage>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export interface CardLogLine {
  level: LogLevel;
  message: string;
  traceId: string;
  /** The span of the call that logged, or the render's span. */
  spanId: string;
  card: { appId?: number; extensibleCardId: string; cardTitle?: string };
  time: string;
}

/** Everything a page supplies to run cards. Only `invoke` is required. */
export interface CardServices {
  invoke: ServerlessInvoker;
  hostData?: CrmHostData;
  fetchProxy?: FetchProxy;
  fetchHubSpotApi?: (request: FetchHubSpotApiRequest, meta: { traceparent: string }) => Promise<FetchHubSpotApiResponse>;
  onLog?: (line: CardLogLine) => void;
  /** When given, alerts go here; otherwise the card frame shows them. */
  onAlert?: (alert: CardAlert) => void;
  onReloadPage?: () => void;
  /** `refreshObjectProperties`: when given, the page reads the record again and then refreshes its cards itself. */
  onRefreshProperties?: () => void;
  /** `navigateToPage` and Link to a same-origin path (with its query and hash): the console's router shows it.
   * Without it the tab loads the path. External URLs never come here (see card-navigation.ts). */
  onNavigate?: (path: string) => void;
  /** CrmActionButton / CrmActionLink / CrmCardActions; EXTERNAL_URL opens a tab when this is absent. */
  onCrmAction?: (actionType: string, actionContext: unknown) => void;
  /** The same-origin path where the page shows a trace: a card that failed links its trace id there. */
  traceUrl?: (traceId: string) => string;
  /** A failed card's stack in the project's files and lines (the server maps it with the build's source map); without
   * it, the failure's details show its message only, since the raw stack names only the minified bundle. */
  mapStack?: (stack: string) => Promise<string>;
}
