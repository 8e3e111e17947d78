// What `hubspot.fetch` may reach; the sending itself is http/outbound-request.ts, shared with webhook deliveries.
/**
 * Whether `permittedUrls.fetch` lets a card call this URL: an entry permits URLs of its origin whose path is its path
 * or below it (`https://api.example.com/v1` permits `/v1` and `/v1/deals`, not `/v10`). Query and fragment of an entry
 * are ignored.
 */
export function isPermitted(target: URL, permitted: readonly string[]): boolean {
  return permitted.some((entry) => {
    if (!URL.canParse(entry)) return false;
    const allowed = new URL(entry);
    if (allowed.origin !== target.origin) return false;
    const base = allowed.pathname;
    return base === "/" || target.pathname === base || target.pathname.startsWith(base.endsWith("/") ? base : `${base}/`);
  });
}
