/** A `*-hsmeta.json` component type: the folder it must live in and whether one project may hold several. */
export interface ComponentType {
  type: string;
  /** Folder relative to srcDir: `app` for the app itself, `app/<dir>` for app features. */
  dir: string;
  single: boolean;
  supported: boolean;
}

const topLevel: [string, string, boolean][] = [
  ["app", "app", true],
  ["theme", "theme", false],
  ["cms-assets", "cms-assets", false],
];

// project-parsing-lib src/lib/constants.js: feature type → folder under app/; true = at most one per project.
const features: [string, string, boolean][] = [
  ["card", "cards", false],
  ["app-function", "functions", false],
  ["workflow-action", "workflow-actions", false],
  ["crm-bulk-action", "actions", false],
  ["app-object", "app-objects", false],
  ["app-object-association", "app-object-associations", false],
  ["app-event", "app-events", false],
  ["marketing-event", "marketing-events", false],
  ["media-bridge", "media-bridge", false],
  ["video-conferencing", "video-conferencing", false],
  ["settings", "settings", true],
  ["webhooks", "webhooks", true],
  ["webhooks-journal", "webhooks-journal", true],
  ["calling", "calling", true],
  ["scim", "scim", true],
  ["telemetry", "telemetry", true],
  ["api-client", "api-client", true],
  ["mcp-client", "mcp-client", true],
  ["mcp-server", "mcp-server", true],
  ["page", "pages", true],
  ["pages", "pages", true],
];

const supported = new Set(["app", "card", "app-function"]);

export const componentTypes: ReadonlyMap<string, ComponentType> = new Map(
  [...topLevel.map(([t, d, s]) => [t, d, s] as const), ...features.map(([t, d, s]) => [t, `app/${d}`, s] as const)].map(([type, dir, single]) => [
    type,
    { type, dir, single, supported: supported.has(type) },
  ]),
);
