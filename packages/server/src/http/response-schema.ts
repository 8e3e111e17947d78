import type { FastifyInstance } from "fastify";
import { serializerCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";

/**
 * Routes that declare a response schema (one of @sprocket/contract's) are serialised through it: a body that breaks the
 * contract is a 500 here rather than a surprise in the console or the CLI. Routes without one (the CRM's hot paths,
 * whose shapes are HubSpot's) keep Fastify's plain JSON.stringify.
 */
export function registerResponseSchemas(app: FastifyInstance): void {
  app.setSerializerCompiler(serializerCompiler);
}

/** Route options declaring the body of a successful answer, for each of `statuses` (200 unless told). */
export const responds = (schema: z.ZodType, ...statuses: number[]) => ({
  schema: { response: Object.fromEntries((statuses.length ? statuses : [200]).map((status) => [status, schema])) },
});
