// `/api/v1/private-apps/...`: the account's private apps, their components and their access tokens.
import { z } from "zod";

/** The app's Auth data: a static token for its own account, or OAuth installs into many accounts. */
export const appAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("static"), requiredScopes: z.array(z.string()) }),
  z.object({
    type: z.literal("oauth"),
    // Set by the deploy that made the app an OAuth app; null only for a row written before that deploy finished.
    clientId: z.string().nullable(),
    distribution: z.enum(["private", "marketplace"]).nullable(),
    redirectUrls: z.array(z.string()),
    requiredScopes: z.array(z.string()),
    optionalScopes: z.array(z.string()),
  }),
]);

export const privateAppSummary = z.object({
  appId: z.number(),
  uid: z.string(),
  name: z.string(),
  description: z.string(),
  scopes: z.array(z.string()),
  projectId: z.number().nullable(),
  /** The project that made the app; null when that project was deleted. */
  projectName: z.string().nullable(),
  /** Sprocket's internal build id; people know the build by `activeBuildNumber`, its number in the project (`#N`). */
  activeBuildId: z.number().nullable(),
  activeBuildNumber: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  auth: appAuth,
});

export const privateAppList = z.object({
  /** How many private apps the account may have. */
  limit: z.number(),
  count: z.number(),
  results: z.array(privateAppSummary),
});

/**
 * `card`, `function`, or the *-hsmeta.json type of a 2025.2+ component: a page, settings page or bulk action (UI
 * extensions), or a recorded feature (webhooks, workflow actions, app objects and events).
 */
export const APP_COMPONENT_KINDS = [
  "card",
  "function",
  "page",
  "pages",
  "settings",
  "crm-bulk-action",
  "webhooks",
  "workflow-action",
  "app-object",
  "app-object-association",
  "app-event",
] as const;

export const appComponent = z.object({
  kind: z.enum(APP_COMPONENT_KINDS),
  name: z.string(),
  buildId: z.number(),
  /** The build's number in its project, as the project page and `hs` name it. */
  buildNumber: z.number().nullable(),
  config: z.record(z.string(), z.unknown()),
});

/** The live token, masked, and the one a rotate-later left valid until `expiresAt` (epoch milliseconds). */
export const tokenState = z.object({
  current: z.object({ id: z.number(), createdAt: z.number(), lastUsedAt: z.number().nullable(), masked: z.string() }),
  previous: z.object({ id: z.number(), expiresAt: z.number(), lastUsedAt: z.number().nullable() }).optional(),
});

export const privateAppDetail = privateAppSummary.extend({
  /** Absent when the app has no live token. */
  token: tokenState.optional(),
  components: z.array(appComponent),
  /** The number in the project of each of its builds, by internal id: log events (function runs) name builds by id. */
  builds: z.array(z.object({ buildId: z.number(), number: z.number() })),
});

export const tokenReveal = z.object({ token: z.string() });
export const tokenRotation = z.object({ token: z.string(), mode: z.enum(["now", "later"]) }).extend(tokenState.shape);
export const tokenRotationRequest = z.object({ mode: z.enum(["now", "later"]).default("now") });
/** The key the app's backend checks hubspot.fetch requests' X-HubSpot-Signature-v3 with. */
export const clientSecretReveal = z.object({ clientSecret: z.string() });
export const oldTokensExpired = z.object({ expired: z.number() });

/** `sprocket function run` resolves an app (uid or id) to its id and its functions' configurations. */
export const appFunctions = z.object({ appId: z.number(), uid: z.string(), results: z.array(z.record(z.string(), z.unknown())) });

export type AppAuth = z.infer<typeof appAuth>;
export type PrivateAppSummary = z.infer<typeof privateAppSummary>;
export type PrivateAppList = z.infer<typeof privateAppList>;
export type AppComponent = z.infer<typeof appComponent>;
export type TokenState = z.infer<typeof tokenState>;
export type PrivateAppDetail = z.infer<typeof privateAppDetail>;
export type TokenReveal = z.infer<typeof tokenReveal>;
export type TokenRotation = z.infer<typeof tokenRotation>;
export type ClientSecretReveal = z.infer<typeof clientSecretReveal>;
export type AppComponentKind = (typeof APP_COMPONENT_KINDS)[number];
export type OldTokensExpired = z.infer<typeof oldTokensExpired>;
export type AppFunctions = z.infer<typeof appFunctions>;

/** An OAuth app installed into the caller's account (Settings › Connected apps, `sprocket account apps`). */
export const connectedApp = z.object({
  installId: z.number(),
  appId: z.number(),
  appName: z.string(),
  /** The account the app was uploaded to. */
  developerAccountId: z.number(),
  scopes: z.array(z.string()),
  installedAt: z.string(),
  /** The email of the super admin who installed it. */
  installedBy: z.string(),
});
export const connectedAppList = z.object({ results: z.array(connectedApp) });

/** One live install of the caller's OAuth app, for its developer (the app's Auth tab, `sprocket apps installs`). */
export const appInstall = z.object({
  installId: z.number(),
  accountId: z.number(),
  accountName: z.string(),
  scopes: z.array(z.string()),
  installedAt: z.string(),
});
export const appInstallList = z.object({ results: z.array(appInstall) });

export type ConnectedApp = z.infer<typeof connectedApp>;
export type ConnectedAppList = z.infer<typeof connectedAppList>;
export type AppInstall = z.infer<typeof appInstall>;
export type AppInstallList = z.infer<typeof appInstallList>;
