import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { ApiError } from "../http/api-error";
import { notFound } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import { findReachingApp } from "../apps/app-reach";
import { appClientSecret } from "../apps/client-secret";
import { identifier } from "../logs/extension-events";
import { newSpanId, newTraceId, parseTraceparent } from "../logs/trace-context";
import { cardViewer } from "./record-cards";
import { HOSTED_KINDS } from "./hosted-kinds";
import { isPermitted } from "./fetch-target";
import { FetchRefused, sendOutbound } from "../http/outbound-request";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureV3 } from "./request-signature";

/** HubSpot ends a `hubspot.fetch` request after 15 seconds; a card may ask for less. */
export const FETCH_TIMEOUT_MS = 15_000;
/** HubSpot publishes no size limits: 1 MiB each way keeps a card's calls small, as they are meant to be. */
export const FETCH_MAX_REQUEST_BYTES = 1024 * 1024;
export const FETCH_MAX_RESPONSE_BYTES = 1024 * 1024;

const fetchBody = z.object({
  cardUid: identifier,
  location: identifier,
  objectTypeId: z.string().max(100).optional(),
  objectId: z.union([z.string().max(100), z.number().int()]).optional(),
  url: z.string().min(1),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  timeoutMs: z.number().int().positive().optional(),
  body: z.unknown().optional(),
  // Only Authorization reaches the backend, as on HubSpot: other headers are the platform's to set.
  headers: z.record(z.string(), z.string()).optional(),
});

const REFUSAL_STATUS: Record<
  FetchRefused["kind"],
  { status: number; category: "VALIDATION_ERROR" | "PAYLOAD_TOO_LARGE" | "INTERNAL_ERROR" }
> = {
  "not-permitted": { status: 400, category: "VALIDATION_ERROR" },
  address: { status: 400, category: "VALIDATION_ERROR" },
  timeout: { status: 504, category: "INTERNAL_ERROR" },
  "too-large": { status: 502, category: "PAYLOAD_TOO_LARGE" },
  unreachable: { status: 502, category: "INTERNAL_ERROR" },
};

/**
 * `hubspot.fetch` from a card: the console's extension host posts the card's request here; the server checks it
 * against the app's `permittedUrls.fetch`, adds who is asking (userId, userEmail, appId, portalId query parameters),
 * signs it as HubSpot does (X-HubSpot-Signature-v3 with the app's client secret), sends it under time and size limits,
 * and logs it as a FETCH event of the card, in the card's trace.
 */
export const fetchProxyRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { appId: string } }>(
      "/api/v1/card-fetch/:appId",
      { config: { auth: "user" }, bodyLimit: FETCH_MAX_REQUEST_BYTES + 64 * 1024 },
      async (request) => {
        const { accountId, userId } = request.user!;
        const input = parseBody(fetchBody, request.body, "the hubspot.fetch request");
        const found = await findReachingApp(p.store.db, accountId, request.params.appId);
        // Cards, app pages and settings pages all call hubspot.fetch; `cardUid` names whichever is asking.
        const card = await p.store.db
          .selectFrom("app_components")
          .select("name")
          .where("app_id", "=", found.id)
          .where("kind", "in", HOSTED_KINDS)
          .where("name", "=", input.cardUid)
          .executeTakeFirst();
        if (found.active_build_id === null || !card)
          throw notFound(`App ${found.id} has no deployed card or page ${input.cardUid} in account ${accountId}.`);

        const header = request.headers.traceparent;
        const parent = parseTraceparent(Array.isArray(header) ? header[0] : header);
        const started = p.clock.now();
        const log = (level: "INFO" | "WARN" | "ERROR", message: string) =>
          p.logs.sink.add("extension_events", {
            account_id: accountId,
            app_id: found.id,
            user_id: userId,
            card_uid: input.cardUid,
            location: input.location,
            object_type_id: input.objectTypeId ?? null,
            object_id: input.objectId === undefined ? null : String(input.objectId),
            kind: "FETCH",
            level,
            message,
            duration_ms: p.clock.now() - started,
            trace_id: parent?.traceId ?? newTraceId(),
            span_id: newSpanId(),
            parent_span_id: parent?.parentId ?? null,
            created_at: started,
          });

        const target = URL.canParse(input.url) ? new URL(input.url) : undefined;
        // What answers and logs show of the URL: never its query (tokens travel there) or user info.
        const where = target ? `${target.origin}${target.pathname}` : JSON.stringify(input.url);
        const shown = `${input.method} ${where}`;
        const refuse = (refusal: FetchRefused, answer = REFUSAL_STATUS[refusal.kind]) => {
          log(
            refusal.kind === "not-permitted" || refusal.kind === "address" ? "WARN" : "ERROR",
            `hubspot.fetch ${shown} refused: ${refusal.message}`,
          );
          const { status, category } = answer;
          return new ApiError(status, category, refusal.message, {
            subCategory: `HubSpotFetch.${refusal.kind}`,
            context: { url: [where] },
          });
        };
        const permitted = JSON.parse(found.permitted_fetch_urls ?? "[]") as string[];
        if (!target || target.username || target.password || !isPermitted(target, permitted)) {
          const listed = permitted.length ? `permittedUrls.fetch lists ${permitted.join(", ")}` : "the app's permittedUrls.fetch is empty";
          throw refuse(
            new FetchRefused(
              "not-permitted",
              `${where} is not a URL this app may fetch: ${listed}. Add it to permittedUrls.fetch in ${found.uid}'s app config and deploy.`,
            ),
          );
        }
        const body = input.body === undefined ? undefined : typeof input.body === "string" ? input.body : JSON.stringify(input.body);
        if (body !== undefined && Buffer.byteLength(body) > FETCH_MAX_REQUEST_BYTES) {
          throw refuse(
            new FetchRefused("too-large", `The request body is larger than ${FETCH_MAX_REQUEST_BYTES} bytes, the hubspot.fetch limit.`),
            { status: 413, category: "PAYLOAD_TOO_LARGE" },
          );
        }

        const viewer = await cardViewer(p.store.db, accountId, userId);
        const url = new URL(target);
        for (const [name, value] of [
          ["userId", userId],
          ["userEmail", viewer.user.email],
          ["appId", found.id],
          ["portalId", accountId],
        ] as const)
          url.searchParams.set(name, String(value));
        const timestamp = Date.now();
        const authorization = Object.entries(input.headers ?? {}).find(([name]) => name.toLowerCase() === "authorization")?.[1];
        const headers: Record<string, string> = {
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureV3({
            clientSecret: await appClientSecret(p, found.id),
            method: input.method,
            uri: url.href,
            body: body ?? "",
            timestamp,
          }),
          "user-agent": "Sprocket-hubspot.fetch",
          ...(body === undefined
            ? {}
            : { "content-type": typeof input.body === "string" ? "text/plain; charset=utf-8" : "application/json" }),
          ...(authorization ? { authorization } : {}),
        };
        try {
          const response = await sendOutbound(
            {
              url,
              method: input.method,
              headers,
              body,
              timeoutMs: Math.min(input.timeoutMs ?? FETCH_TIMEOUT_MS, FETCH_TIMEOUT_MS),
              maxResponseBytes: FETCH_MAX_RESPONSE_BYTES,
            },
            {
              allowPrivateNetwork: p.config.cardFetchAllowPrivateNetwork,
              sender: "hubspot.fetch",
              setting: "SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK",
            },
          );
          log(response.status >= 500 ? "ERROR" : response.status >= 400 ? "WARN" : "INFO", `hubspot.fetch ${shown} → ${response.status}`);
          return response;
        } catch (error) {
          if (error instanceof FetchRefused) throw refuse(error);
          throw error;
        }
      },
    );
  };
