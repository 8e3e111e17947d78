import type { FastifyReply, FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import type { WriteSource } from "./object-store";
import type { Query } from "./query-params";

/** What CRM handlers read off an authenticated private-app request. */
export function callerOf(request: FastifyRequest): { accountId: number; source: WriteSource } {
  const app = request.app!;
  return { accountId: app.accountId, source: { sourceType: "INTEGRATION", sourceId: String(app.appId) } };
}

export const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Query;

/** The server's own URL, for `paging.next.link`. */
export const baseUrlOf = (p: Platform, request: FastifyRequest) => p.config.publicUrl ?? `${request.protocol}://${request.host}`;

/** 204s carry no body, but still say JSON: HubSpot's SDK reads the content type of every response. */
export const noContent = (reply: FastifyReply) => reply.code(204).type("application/json").send();

export const json = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).type("application/json").send(body);

export function routeConfig(scopes: readonly string[], rateLimit: "standard" | "search" = "standard") {
  return { config: { auth: "app" as const, scopes, rateLimit } };
}

export type RouteConfig = ReturnType<typeof routeConfig>;
