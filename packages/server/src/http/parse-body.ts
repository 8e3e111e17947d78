import type { z } from "zod";
import { validationError } from "./api-error";

/** Validates a request body and names every field that is wrong. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    message: `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`,
    in: i.path.join("."),
  }));
  throw validationError(`Invalid request body for ${what}: ${errors.map((e) => e.message).join("; ")}`, errors);
}
