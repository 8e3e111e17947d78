/** The component kinds the extension host renders full-width: app pages (home) and the settings page. */
export const PAGE_KINDS = ["page", "pages", "settings"] as const;
/** Every kind whose bundle the extension host loads (and that may call `hubspot.fetch`). */
export const HOSTED_KINDS = ["card", ...PAGE_KINDS] as const;
