import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform";

/** A year, without includeSubDomains: the server's host name may be shared with sites Sprocket knows nothing of. */
const HSTS = "max-age=31536000";

/**
 * Served on plain HTTP as before: the probes of load balancers and orchestrators (nothing secret), and the CLI's key
 * exchange, whose caller has already sent its key in the clear by the time a redirect could answer (like a bearer
 * call, below), and whose CLI may not trust a self-signed certificate.
 */
const PLAIN_HTTP_PATHS = new Set(["/healthz", "/readyz", "/localdevauth/v1/auth/refresh"]);

/**
 * With an HTTPS listener (L5): HTTPS responses carry Strict-Transport-Security, and plain-HTTP requests from browsers
 * and cookie holders are sent to HTTPS (301 for GET and HEAD, 308 otherwise, so a method and body survive). Calls
 * with an Authorization header are served as they are: functions call this node back over loopback HTTP with their
 * app token, and an API client that already sent its token in the clear gains nothing from a redirect. HubSpot's
 * `hs` CLI speaks HTTPS only. `httpsPort` is read per request: the listener's port is known only once it listens.
 */
export function registerHttpsPolicy(app: FastifyInstance, p: Platform, httpsPort: () => number | undefined): void {
  // Without an HTTPS listener the hook would only ever call done(): 3 µs of every CRM call's budget (issue #24).
  if (p.config.httpsPort === undefined) return;
  app.addHook("onRequest", (request, reply, done) => {
    if (request.protocol === "https") {
      reply.header("strict-transport-security", HSTS);
      return done();
    }
    const port = httpsPort();
    const path = request.url.split("?", 1)[0]!;
    if (port === undefined || PLAIN_HTTP_PATHS.has(path) || request.headers.authorization !== undefined) return done();
    const publicUrl = p.config.publicUrl?.startsWith("https:") ? new URL(p.config.publicUrl) : undefined;
    const origin = publicUrl ? publicUrl.origin : `https://${request.hostname || "localhost"}${port === 443 ? "" : `:${port}`}`;
    void reply
      .code(request.method === "GET" || request.method === "HEAD" ? 301 : 308)
      .header("location", origin + request.url)
      .send();
  });
}
