// What an endpoint function's return value may put on the wire. The function is the tenant's code and the caller is
// anyone, so its status, headers and body are checked here and anything outside HubSpot's contract is refused (502)
// or dropped, never handed to Node to throw on.

/** A response the endpoint listener can send as it is. */
export interface EndpointResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** The function answered something that is not a valid HTTP response: HubSpot answers these with 502. */
export class BadFunctionOutput extends Error {}

/**
 * Response headers a function may set. Everything else is dropped: cookies (the endpoint host is the console's host
 * on another port, and cookies do not tell ports apart), framing (Node computes content-length and
 * transfer-encoding itself), hop-by-hop headers, authentication prompts, and anything a proxy in front acts on.
 */
const ALLOWED = new Set([
  "content-type",
  "cache-control",
  "expires",
  "etag",
  "last-modified",
  "content-language",
  "content-disposition",
  "vary",
  "retry-after",
  "location",
  // Browsers on other sites call endpoints (HubSpot's own pages do): the function decides who may read its answer.
  // Credentials are not among them: the function never sees the caller's cookies.
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-expose-headers",
  "access-control-max-age",
]);

/**
 * `x-` headers are the function's own, except those a reverse proxy or web server in front obeys (nginx's
 * X-Accel-Redirect serves an internal location, X-Sendfile a file from disk) and the ones Sprocket sets itself.
 */
const PROXY_DIRECTIVE = /^x-(accel-|sendfile|lighttpd-|reproxy-|sprocket-)/;

/** RFC 9110 token: what Node accepts as a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters Node refuses in a header value (CR, LF, NUL and other controls, anything past U+00FF). */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Turns a function's return value into a response: `{statusCode, headers, body}` is HubSpot's HTTP shape; any other
 * value is a 200 JSON body. Throws BadFunctionOutput naming the problem (never echoing a value).
 */
export function endpointResponse(value: unknown): EndpointResponse {
  if (typeof value === "string") return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: value };
  if (!value || typeof value !== "object" || !("statusCode" in value) || value.statusCode === undefined) {
    return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: json(value ?? null) };
  }
  const shaped = value as { statusCode: unknown; headers?: unknown; body?: unknown };
  const status = shaped.statusCode;
  // 1xx are interim responses, never a final one; Node would hang the exchange or close it.
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new BadFunctionOutput(
      `statusCode must be a whole number from 200 to 599 (got ${typeof status === "number" ? status : typeof status})`,
    );
  }
  const headers = allowedHeaders(shaped.headers);
  const { body } = shaped;
  if (body === undefined || body === null) return { status, headers, body: "" };
  if (typeof body === "string") return { status, headers, body };
  headers["content-type"] ??= "application/json; charset=utf-8";
  return { status, headers, body: json(body) };
}

function allowedHeaders(raw: unknown): Record<string, string | string[]> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new BadFunctionOutput("headers must be an object of header names to values");
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!TOKEN.test(name)) throw new BadFunctionOutput(`header name ${JSON.stringify(name.slice(0, 40))} is not a valid HTTP token`);
    if (value === undefined || value === null) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
        throw new BadFunctionOutput(`header ${name} must be a string or a number`);
      const text = String(v);
      if (BAD_VALUE.test(text)) throw new BadFunctionOutput(`header ${name} holds a line break or another character HTTP does not allow`);
      return text;
    });
    const lower = name.toLowerCase();
    if (lower === "location") {
      const target = absoluteHttpUrl(values[0] ?? "");
      if (target) out.location = target;
    } else if (ALLOWED.has(lower) || (lower.startsWith("x-") && !PROXY_DIRECTIVE.test(lower))) {
      out[lower] = values.length === 1 ? values[0]! : values;
    }
  }
  return out;
}

/**
 * Redirects go to absolute http(s) URLs only, sent as the URL parser reads them. A relative one would be resolved by
 * each browser its own way (`//host`, `/\host`, tabs) against an origin every account shares; other schemes
 * (javascript:, data:, file:) are never a redirect a public endpoint needs.
 */
function absoluteHttpUrl(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    throw new BadFunctionOutput("body cannot be written as JSON");
  }
}
