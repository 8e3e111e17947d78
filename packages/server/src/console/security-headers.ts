// Headers for the console's pages and the card worker.

/** The page: scripts and workers from here only; Mantine sets inline styles; card iframes (openIframeModal) may be any https page. */
export const consolePageCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
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

/** A card's worker may load its bundle (same origin) and nothing else: every call goes through the page. */
export const cardWorkerCsp = "default-src 'none'; script-src 'self'; connect-src 'none'";
