/**
 * Preloaded with `--require` before any function code: sends every request for HubSpot's API
 * host to the Sprocket node instead, with the invocation's W3C `traceparent`. It patches the
 * `http`/`https` module objects (so axios, node-fetch, follow-redirects and @hubspot/api-client
 * pick it up even when they captured the module early) and wraps the global `fetch` (undici).
 * A function that bundles its own undici or opens raw sockets is not covered.
 */
import http from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";

const HUBSPOT_API_HOST = /^api(-[a-z]{2}\d+)?\.hubapi\.com$/i;

let base: URL | undefined;
let traceparent: string | undefined;

export function configureRouting(baseUrl: string): void {
  base = new URL(baseUrl);
}

export function setTraceparent(value: string | undefined): void {
  traceparent = value;
}

function routedTarget(hostname: string | null | undefined): URL | undefined {
  if (!base || !hostname) return undefined;
  return HUBSPOT_API_HOST.test(hostname.replace(/\.$/, "")) ? base : undefined;
}

function joinPath(prefix: string, path: string): string {
  return prefix.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

type RequestArgs = [unknown?, unknown?, unknown?];
type RequestFn = (...args: RequestArgs) => http.ClientRequest;

const original = {
  http: http.request as RequestFn,
  https: https.request as RequestFn,
};

/** Merges Node's `request(url, options, cb)` / `request(options, cb)` forms into one options object. */
function normalise(args: RequestArgs): { options: https.RequestOptions; callback: unknown } {
  const [first, second, third] = args;
  if (typeof first === "string" || first instanceof URL) {
    const fromUrl = urlToHttpOptions(new URL(first)) as https.RequestOptions;
    if (typeof second === "function") return { options: fromUrl, callback: second };
    return { options: { ...fromUrl, ...(second as https.RequestOptions) }, callback: third };
  }
  return { options: { ...(first as https.RequestOptions) }, callback: second };
}

function headersObject(headers: https.RequestOptions["headers"]): Record<string, unknown> {
  if (!headers) return {};
  if (Array.isArray(headers)) {
    const object: Record<string, unknown> = {};
    for (let i = 0; i + 1 < headers.length; i += 2) object[String(headers[i])] = headers[i + 1];
    return object;
  }
  return { ...headers };
}

function route(args: RequestArgs, fallback: RequestFn, defaultProtocol: "http:" | "https:"): http.ClientRequest {
  const { options, callback } = normalise(args);
  const hostname = options.hostname ?? options.host?.replace(/:\d+$/, "");
  const target = routedTarget(hostname);
  if (!target) return fallback(...args);

  const headers = headersObject(options.headers);
  for (const name of Object.keys(headers)) {
    if (/^(host|traceparent)$/i.test(name)) delete headers[name];
  }
  if (traceparent) headers.traceparent = traceparent;
  const sameProtocol = (options.protocol ?? defaultProtocol) === target.protocol;
  const routed: https.RequestOptions = {
    ...options,
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[|\]$/g, ""),
    host: undefined,
    port: target.port || (target.protocol === "https:" ? 443 : 80),
    path: joinPath(target.pathname, options.path ?? "/"),
    headers: headers as http.OutgoingHttpHeaders,
    servername: undefined,
    // An https.Agent cannot carry a plain-http request (and vice versa).
    agent: sameProtocol ? options.agent : options.agent === false ? false : undefined,
  };
  const send = target.protocol === "https:" ? original.https : original.http;
  return send(routed, callback);
}

function patch(module: typeof http | typeof https, fallback: RequestFn, protocol: "http:" | "https:"): void {
  const request = (...args: RequestArgs) => route(args, fallback, protocol);
  module.request = request as typeof module.request;
  module.get = ((...args: RequestArgs) => {
    const req = request(...args);
    req.end();
    return req;
  }) as typeof module.get;
}

patch(http, original.http, "http:");
patch(https, original.https, "https:");

const originalFetch = globalThis.fetch;
globalThis.fetch = async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const target = routedTarget(url.hostname);
  if (!target) return originalFetch(input, init);
  const request = new Request(input, init);
  const headers = new Headers(request.headers);
  if (traceparent) headers.set("traceparent", traceparent);
  const routedUrl = new URL(target.href);
  routedUrl.pathname = joinPath(target.pathname, url.pathname);
  routedUrl.search = url.search;
  return originalFetch(routedUrl, {
    method: request.method,
    headers,
    body: request.body,
    redirect: request.redirect,
    signal: request.signal,
    // Required by undici whenever the body is a stream.
    duplex: "half",
  } as RequestInit);
};
