// `/cms/v3/functions/secrets`, at HubSpot's paths so `hs secrets` works too: the account's secret names, never values.
import { z } from "zod";

export const secretList = z.object({
  /** The names, as HubSpot's CLI reads them. */
  results: z.array(z.string()),
  secrets: z.array(z.object({ name: z.string(), createdAt: z.string(), updatedAt: z.string() })),
});
export const secretRequest = z.object({ key: z.string().min(1), secret: z.string() });
export const secretChange = z.object({ name: z.string(), status: z.enum(["created", "updated"]) });

export type SecretList = z.infer<typeof secretList>;
export type SecretRequest = z.infer<typeof secretRequest>;
export type SecretChange = z.infer<typeof secretChange>;
