import type { z } from "zod";
import { invalid } from "../errors/domain-error";

/** Validates a request body and names every field that is wrong. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  if (body === null)
    throw invalid(`Invalid request body for ${what}: the body is JSON null; send a JSON object.`, [
      { message: "body: null", in: "body", code: "NULL_BODY" },
    ]);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    message: `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`,
    in: i.path.join("."),
  }));
  throw invalid(`Invalid request body for ${what}: ${errors.map((e) => e.message).join("; ")}`, errors);
}

/**
 * HubSpot's clients send no body at all for some calls (an empty JSON body parses to undefined): such a body reads as
 * `fallback`. A JSON `null` is not absent: it reaches parseBody and is refused, instead of becoming an empty record.
 */
export const absentAs = (body: unknown, fallback: unknown): unknown => (body === undefined ? fallback : body);
