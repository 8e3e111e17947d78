/**
 * What Sprocket does with a component type: `app`, `card` and `function` as before; `extension` is a React UI
 * extension bundled like a card (app pages, settings, bulk actions); `feature` is a typed config recorded on the
 * deployed app for later steps; `not-run` is accepted and reported, nothing runs it.
 */
export type ComponentRole = "app" | "card" | "function" | "extension" | "feature" | "not-run";

/** A `*-hsmeta.json` component type: the folder it must live in and whether one project may hold several. */
export interface ComponentType {
  type: string;
  /** Folder relative to srcDir: `app` for the app itself, `app/<dir>` for app features. */
  dir: string;
  /** At most one component counted under this key per project (HubSpot counts `page` and `pages` together). */
  single?: string;
  /** Children of the app need an app component; themes and CMS assets stand alone. */
  needsApp: boolean;
  role: ComponentRole;
  /** HubSpot's internal name (project-parsing-lib mapToInternalType), as build and deploy statuses name types. */
  internalType: string;
}

// project-parsing-lib src/lib/constants.js: user-facing type → folder, singular, what Sprocket does with it.
const topLevel: [string, string, boolean, ComponentRole][] = [
  ["app", "app", true, "app"],
  ["theme", "theme", false, "not-run"],
  ["cms-assets", "cms-assets", false, "not-run"],
];

const features: [string, string, boolean, ComponentRole][] = [
  ["card", "cards", false, "card"],
  ["app-function", "functions", false, "function"],
  ["page", "pages", true, "extension"],
  ["pages", "pages", true, "extension"],
  ["settings", "settings", true, "extension"],
  ["crm-bulk-action", "actions", false, "extension"],
  ["webhooks", "webhooks", true, "feature"],
  ["workflow-action", "workflow-actions", false, "feature"],
  ["app-object", "app-objects", false, "feature"],
  ["app-object-association", "app-object-associations", false, "feature"],
  ["app-event", "app-events", false, "feature"],
  ["webhooks-journal", "webhooks-journal", true, "not-run"],
  ["api-client", "api-client", true, "not-run"],
  ["marketing-event", "marketing-events", false, "not-run"],
  ["media-bridge", "media-bridge", false, "not-run"],
  ["video-conferencing", "video-conferencing", false, "not-run"],
  ["calling", "calling", true, "not-run"],
  ["scim", "scim", true, "not-run"],
  ["telemetry", "telemetry", true, "not-run"],
  ["mcp-client", "mcp-client", true, "not-run"],
  ["mcp-server", "mcp-server", true, "not-run"],
];

// USER_FACING_TO_INTERNAL_TYPE; the rest are upper-cased with '-' → '_'.
const internalNames: Record<string, string> = {
  app: "APPLICATION",
  scim: "SCIM_INTEGRATION",
  telemetry: "TELEMETRY_CONFIG",
  "cms-assets": "REACT_THEME",
  pages: "PAGE",
};

/** HubSpot's internal type name of a user-facing component type, e.g. `workflow-action` → `WORKFLOW_ACTION`. */
export function internalType(type: string): string {
  return (internalNames[type] ?? type).toUpperCase().replace(/-/g, "_");
}

const entry = (type: string, dir: string, single: boolean, role: ComponentRole, needsApp: boolean): [string, ComponentType] => {
  const internal = internalType(type);
  // Types that share an internal name share the singular count (page and pages are both PAGE).
  return [type, { type, dir, needsApp, role, internalType: internal, ...(single ? { single: internal } : {}) }];
};

export const componentTypes: ReadonlyMap<string, ComponentType> = new Map([
  ...topLevel.map(([t, d, s, r]) => entry(t, d, s, r, false)),
  ...features.map(([t, d, s, r]) => entry(t, `app/${d}`, s, r, true)),
]);
