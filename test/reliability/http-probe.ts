import type { FastifyInstance } from "fastify";

export interface Probe {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface ProbeResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  ms: number;
}

/** The body parsed as JSON, or undefined when it is not JSON. */
const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** One request with a deadline: a server that does not answer in time fails the case as a hang, not the run. */
export async function probe(baseUrl: string, p: Probe, timeoutMs = 10_000): Promise<ProbeResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(baseUrl + p.url, {
      method: p.method,
      headers: p.headers ?? {},
      signal,
      ...(p.body !== undefined ? { body: p.body } : {}),
    });
  } catch (e) {
    if (signal.aborted) throw new Error(`${p.method} ${p.url}: no answer within ${timeoutMs} ms`);
    throw e;
  }
  // Event streams never end: their headers are the answer.
  if (res.headers.get("content-type")?.includes("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, headers: res.headers, text: "", json: undefined, ms: performance.now() - started };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (signal.aborted) throw new Error(`${p.method} ${p.url}: the body did not finish within ${timeoutMs} ms`);
    throw e;
  }
  return { status: res.status, headers: res.headers, text, json: parseJson(text), ms: performance.now() - started };
}

/**
 * Node's HTTP parser refuses a request line and headers over 16 KB before Fastify sees them (the server's
 * clientErrorHandler answers). `inject` has no such parser, so a request near that size goes over a socket.
 */
const WIRE_HEADER_BYTES = 8 * 1024;

/** Whether a request's subject is the wire (its size reaches the HTTP parser's limits), so only a socket tests it. */
export function needsWire(p: Probe): boolean {
  let bytes = Buffer.byteLength(p.url);
  for (const [name, value] of Object.entries(p.headers ?? {})) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes > WIRE_HEADER_BYTES;
}

/**
 * The same request as `probe`, through Fastify's `inject`: the whole request lifecycle (routing, hooks, parsers,
 * handlers, error handler) without a socket, an HTTP parser or fetch on either side, which were a third of a fuzzing
 * request's CPU. Sends what fetch adds itself (accept, user-agent, a string body's content type), so the server sees
 * the same request. For requests whose subject is not the wire (see needsWire).
 */
export async function injectProbe(app: FastifyInstance, p: Probe, timeoutMs = 10_000): Promise<ProbeResult> {
  const started = performance.now();
  const headers: Record<string, string> = { accept: "*/*", "user-agent": "node", ...p.headers };
  if (typeof p.body === "string" && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "text/plain;charset=UTF-8";
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(new Error(`${p.method} ${p.url}: no answer within ${timeoutMs} ms`))),
  );
  const res = await Promise.race([
    app.inject({
      method: p.method as "GET",
      url: p.url,
      headers,
      payloadAsStream: true,
      signal,
      ...(p.body !== undefined ? { payload: p.body } : {}),
    }),
    timedOut,
  ]);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) for (const v of [value ?? []].flat()) responseHeaders.append(name, String(v));
  const stream = res.stream();
  // Event streams never end: their headers are the answer.
  if (responseHeaders.get("content-type")?.includes("text/event-stream")) {
    // As a client hanging up: the server's response closes and the stream's handler lets go of what it holds.
    res.raw.res.destroy();
    stream.destroy();
    return { status: res.statusCode, headers: responseHeaders, text: "", json: undefined, ms: performance.now() - started };
  }
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const c of stream) chunks.push(c as Buffer);
  })();
  await Promise.race([read, timedOut]);
  const text = Buffer.concat(chunks).toString("utf8");
  return { status: res.statusCode, headers: responseHeaders, text, json: parseJson(text), ms: performance.now() - started };
}

/** HubSpot's error body: `status: "error"`, a message and a category (or, on 429s, the errorType the SDK reads). */
export function isHubSpotError(json: any): boolean {
  if (typeof json !== "object" || json === null || typeof json.message !== "string") return false;
  // HubSpot's OAuth endpoints name the error in `status` itself: { status: "BAD_CLIENT_ID", message, correlationId }.
  if (typeof json.status === "string" && /^[A-Z][A-Z_]+$/.test(json.status)) return typeof json.correlationId === "string";
  return json.status === "error" && (typeof json.category === "string" || typeof json.errorType === "string");
}

/** What a fuzzed or unauthorised call must look like: below 500, JSON, and HubSpot's body on an error. */
export function wellFormedRefusal(r: { status: number; headers: Headers; json: any }): string | undefined {
  if (r.status >= 500) return `answered ${r.status}: ${JSON.stringify(r.json)?.slice(0, 200)}`;
  if (r.status >= 400) {
    if (!r.headers.get("content-type")?.includes("application/json")) return `answered ${r.status} as ${r.headers.get("content-type")}`;
    if (!isHubSpotError(r.json)) return `answered ${r.status} without HubSpot's error body: ${JSON.stringify(r.json)?.slice(0, 200)}`;
  }
  return undefined;
}
