// Where a card may send the user. Cards of every app and account run in the console, so a card must not be able
// to replace the console tab with a look-alike page ("session expired, sign in again"), nor run script URLs:
// - a same-origin path is shown by the console (its router), as HubSpot's navigateToPage shows HubSpot pages;
// - an external http(s) URL opens in a new tab without opener or referrer, and only right after the user clicked
//   in that card (HubSpot opens external links in a new tab too);
// - anything else is refused.

/** How long after a click in the card an external URL may open: Chromium's own user-activation lifespan. */
export const GESTURE_WINDOW_MS = 5000;

export type NavigationDecision =
  { kind: "console"; path: string } | { kind: "external"; url: string } | { kind: "refused"; reason: string };

/** `actions.navigateToPage({ to, params })` and the Link component's target, decided against the page's origin. */
export function decideNavigation(target: unknown, base: string): NavigationDecision {
  const { to, params } = (target ?? {}) as { to?: unknown; params?: unknown };
  if (typeof to !== "string" || to === "") return { kind: "refused", reason: "`to` must be a path or an http(s) URL" };
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return { kind: "refused", reason: "`to` is not a URL" };
  }
  if (params && typeof params === "object") {
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { kind: "refused", reason: `${url.protocol} URLs cannot be opened` };
  if (url.origin === new URL(base).origin) return { kind: "console", path: `${url.pathname}${url.search}${url.hash}` };
  return { kind: "external", url: url.href };
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `actions.openIframeModal({ uri })`: https, or http on this machine for local development; undefined otherwise. */
export function iframeModalUrl(uri: unknown, base: string): string | undefined {
  if (typeof uri !== "string" || uri === "") return undefined;
  try {
    const url = new URL(uri, base);
    if (url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.has(url.hostname))) return url.href;
  } catch {
    // not a URL: refused below
  }
  return undefined;
}
