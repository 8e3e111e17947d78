// Headers for the console's pages and the card worker.

/**
 * The page: scripts and workers from here only; Mantine sets inline styles; card iframes (openIframeModal) may be any
 * https page. Images may also come from any https origin: cards render HubSpot's Image component with an app's own
 * https URLs (logos, product shots), as HubSpot shows them. An image runs no script and reads nothing back into the
 * page; the trade-off (a card can make the browser fetch a tracking pixel) is in docs/security/client.md. The page may
 * also reach `localhost`: `hs project dev`'s local dev server lists its bundles there and says on a websocket when one
 * was rebuilt (only the console's own code connects; cards run in workers without network access).
 */
export const consolePageCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self' http://localhost:* ws://localhost:*",
  "worker-src 'self'",
  "frame-src https:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const consolePageHeaders = {
  "content-security-policy": consolePageCsp,
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

/**
 * A card's worker may load its bundle (same origin, or `hs project dev`'s local dev server on localhost) and nothing
 * else: every call goes through the page. The host loads the bundle before the lockdown takes importScripts away.
 */
export const cardWorkerCsp = "default-src 'none'; script-src 'self' http://localhost:*; connect-src 'none'";
