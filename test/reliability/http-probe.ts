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
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - started };
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
