import type {
  AppEventConfig,
  AppObjectAssociationConfig,
  AppObjectConfig,
  BulkActionConfig,
  PageConfig,
  SettingsConfig,
  WebhooksConfig,
  WorkflowActionConfig,
} from "./component-configs";
import type { ObjectTypeRef } from "./object-types";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What the server needs to build and deploy a project. Every path is POSIX and relative to the
 * project root (so it starts with `srcDir`), whichever file format the project uses.
 */
export interface ProjectModel {
  name: string;
  platformVersion: string;
  /** Platform versions before 2025.2 use app.json/card JSON/serverless.json; later ones `*-hsmeta.json`. */
  legacy: boolean;
  srcDir: string;
  apps: AppModel[];
}

export interface AppModel {
  uid: string;
  name: string;
  description: string;
  /** Scopes the app's token gets (legacy `scopes`, or `auth.requiredScopes`). */
  scopes: string[];
  optionalScopes: string[];
  /** `permittedUrls.fetch`: the URLs (prefixes) its cards may reach with `hubspot.fetch`. */
  permittedFetchUrls: string[];
  /** True for apps installed into many accounts (legacy public-app.json, or 2025.2 `distribution: "marketplace"`). */
  public: boolean;
  /** Present for apps with `auth.type: "oauth"` (and every public-app.json): accounts install them through OAuth. */
  oauth?: OAuthModel;
  rootDir: string;
  /** app.json or app-hsmeta.json. */
  configFile: string;
  cards: CardModel[];
  functions: FunctionModel[];
  /** React UI extensions other than cards (app pages, settings, bulk actions), bundled like cards. */
  extensions: ExtensionModel[];
  /** Configs Sprocket records on the deployed app for later steps but does not run (webhooks, workflow actions, ...). */
  features: FeatureModel[];
  /** Folder holding the functions and their package.json (`app.functions` or `app/functions`). */
  functionsDir?: string;
  functionsPackageJson?: string;
  /** serverless.json `runtime`, e.g. nodejs18.x; absent in the hsmeta format. */
  serverlessRuntime?: string;
}

export interface OAuthModel {
  distribution: "private" | "marketplace";
  /** Where the install flow may return the code; the token endpoint matches them exactly. */
  redirectUrls: string[];
}

export interface CardModel {
  uid: string;
  title: string;
  location: CardLocation;
  objectTypes: ObjectTypeRef[];
  entryFile: string;
  /** Card JSON or card-hsmeta.json. */
  configFile: string;
  /** Nearest folder with a package.json between the card and the app root, if any. */
  packageDir?: string;
}

export interface FunctionModel {
  name: string;
  file: string;
  /** serverless.json or the function's *-hsmeta.json. */
  configFile: string;
  /** JSON pointer of the function's declaration in configFile. */
  pointer: string;
  secrets: string[];
  endpoint?: { path: string; methods: HttpMethod[] };
}

export const cardLocations = ["crm.record.tab", "crm.record.sidebar", "crm.preview", "helpdesk.sidebar"] as const;
export type CardLocation = (typeof cardLocations)[number];

interface ExtensionBase {
  uid: string;
  entryFile: string;
  /** The component's *-hsmeta.json. */
  configFile: string;
  /** Nearest folder with a package.json between the entry and the app root, if any. */
  packageDir?: string;
}

/** `page` (the app home page with `location: "home"`), `pages`, `settings` or `crm-bulk-action`. */
export type ExtensionModel =
  | (ExtensionBase & { type: "page" | "pages"; config: PageConfig })
  | (ExtensionBase & { type: "settings"; config: SettingsConfig })
  | (ExtensionBase & { type: "crm-bulk-action"; config: BulkActionConfig });

export type FeatureModel = { uid: string; configFile: string } & (
  | { type: "webhooks"; config: WebhooksConfig }
  | { type: "workflow-action"; config: WorkflowActionConfig }
  | { type: "app-object"; config: AppObjectConfig }
  | { type: "app-object-association"; config: AppObjectAssociationConfig }
  | { type: "app-event"; config: AppEventConfig }
);

export type ExtensionType = ExtensionModel["type"];
export type FeatureType = FeatureModel["type"];
