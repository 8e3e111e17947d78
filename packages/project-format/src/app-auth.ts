import type { Checker } from "./field-checks";
import type { JsonObject } from "./json-object";

/**
 * `auth.redirectUrls` of an OAuth app: where the install flow may send the user back with a code. HubSpot requires at
 * least one, https except for localhost; the token endpoint later compares them exactly, so they are kept verbatim.
 */
export function checkRedirectUrls(c: Checker, auth: JsonObject): string[] | undefined {
  const hint = 'List where users return after installing, e.g. "redirectUrls": ["https://example.com/oauth-callback"].';
  const items = auth.strings("redirectUrls", { required: true, hint });
  if (!items) return undefined;
  if (items.length === 0) {
    c.report.error("APP_REDIRECT_URL_INVALID", auth.at("redirectUrls"), "an OAuth app needs at least one redirect URL", hint);
    return undefined;
  }
  let ok = true;
  for (const { value, node, pointer } of items) {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    const local = url?.hostname === "localhost" || url?.hostname === "127.0.0.1";
    if (url && (url.protocol === "https:" || (url.protocol === "http:" && local)) && !url.hash) continue;
    c.report.error(
      "APP_REDIRECT_URL_INVALID",
      { file: auth.doc.file, doc: auth.doc, node, pointer },
      `redirect URL ${JSON.stringify(value)} must be an absolute https:// URL without a fragment (http:// only for localhost)`,
      'e.g. "https://example.com/oauth-callback" or "http://localhost:3000/oauth-callback".',
    );
    ok = false;
  }
  return ok ? items.map((i) => i.value) : undefined;
}
