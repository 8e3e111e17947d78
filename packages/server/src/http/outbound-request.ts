import { lookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { classifyAddress } from "../projects/git-address";

/** Why a request the platform sends for an app (a card's `hubspot.fetch`, a webhook delivery) was not delivered; `kind` picks the HTTP answer, the message speaks to the app's author. */
export class FetchRefused extends Error {
  constructor(
    readonly kind: "not-permitted" | "address" | "timeout" | "too-large" | "unreachable",
    message: string,
  ) {
    super(message);
  }
}

export interface TargetPolicy {
  /** Operator setting: http:// and loopback, private, link-local and CGNAT addresses too. Metadata addresses never. */
  allowPrivateNetwork: boolean;
  /** Who sends, as refusals name it ("hubspot.fetch", "Webhook delivery"). */
  sender: string;
  /** The setting that allows private networks for this sender, named in refusals. */
  setting: string;
}

/** Refuses an address outside the public internet (checked on every address a name resolves to, right before connecting). */
function addressProblem(host: string, address: string, policy: TargetPolicy): string | undefined {
  const cls = classifyAddress(address);
  if (cls === undefined) return undefined;
  const shown = host === address ? host : `${host} (${address})`;
  if (cls === "metadata") return `${shown} is a cloud metadata address: ${policy.sender} never calls it.`;
  if (policy.allowPrivateNetwork) return undefined;
  return `${shown} is a ${cls} address: ${policy.sender} calls public addresses only. An operator can allow private networks with ${policy.setting}.`;
}

export interface OutboundRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// Hop-by-hop and framing headers belong to our connection, cookies to a browser session the card does not have.
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "set-cookie",
  "proxy-authenticate",
  "trailer",
  "upgrade",
]);

/**
 * Sends one request to an app's backend. The host's addresses are checked in the connection's own DNS lookup, so the
 * address checked is the address connected to; the whole exchange has one deadline and the response body a size cap.
 */
export function sendOutbound(request: OutboundRequest, policy: TargetPolicy): Promise<OutboundResponse> {
  const { url } = request;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowPrivateNetwork)) {
    return Promise.reject(
      new FetchRefused("not-permitted", `${policy.sender} calls https:// URLs only (got ${url.protocol}//${url.host}).`),
    );
  }
  // An IP literal is connected to without a lookup: check it here.
  const literal = isIP(host) ? addressProblem(host, host, policy) : undefined;
  if (literal) return Promise.reject(new FetchRefused("address", literal));

  const guardedLookup = (hostname: string, options: { all?: boolean; family?: number }, callback: (...args: never[]) => void) => {
    const reply = callback as unknown as (error: Error | null, address?: string | LookupAddress[], family?: number) => void;
    lookup(hostname, { family: options.family ?? 0, all: true, verbatim: true }, (error, addresses) => {
      if (error) return reply(error);
      for (const { address } of addresses) {
        const problem = addressProblem(hostname, address, policy);
        if (problem) return reply(new FetchRefused("address", problem));
      }
      if (options.all) return reply(null, addresses);
      reply(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? https.request : http.request;
    const headers = {
      ...request.headers,
      "accept-encoding": "identity",
      ...(request.body === undefined ? {} : { "content-length": String(Buffer.byteLength(request.body)) }),
    };
    const req = send(url, { method: request.method, headers, lookup: guardedLookup as never, agent: false });
    // The first reason to stop wins: destroying the request also fails the response stream with a generic error.
    let stopped: FetchRefused | undefined;
    const stop = (refusal: FetchRefused) => {
      stopped ??= refusal;
      req.destroy(refusal);
    };
    const timer = setTimeout(
      () =>
        stop(new FetchRefused("timeout", `${request.method} ${url.origin}${url.pathname} did not answer within ${request.timeoutMs} ms.`)),
      request.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(
        stopped ??
          (error instanceof FetchRefused
            ? error
            : new FetchRefused(
                "unreachable",
                `${request.method} ${url.origin}${url.pathname} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}.`,
              )),
      );
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes)
          return stop(
            new FetchRefused(
              "too-large",
              `The response of ${url.origin}${url.pathname} is larger than ${request.maxResponseBytes} bytes, the ${policy.sender} limit.`,
            ),
          );
        chunks.push(chunk);
      });
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
          kept[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        resolve({ status: res.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(request.body);
  });
}
