import { z } from "zod";

/**
 * A `sprocket project dev` session of a project, as its build history shows it: one entry per session, however many
 * saves it served (GET /api/v1/projects/:name/dev-sessions).
 */
export const devSession = z.object({
  sessionId: z.number(),
  status: z.enum(["OPEN", "ENDED"]),
  userEmail: z.string().nullable(),
  openedAt: z.string(),
  /** When it was closed, or its heartbeats stopped. */
  endedAt: z.string().nullable(),
  /** Pushes that changed a card or page bundle: what would each have been a build before. */
  saves: z.number(),
});

export const devSessionList = z.object({ results: z.array(devSession) });

export type DevSessionEntry = z.infer<typeof devSession>;
export type DevSessionList = z.infer<typeof devSessionList>;
