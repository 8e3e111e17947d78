// `/api/v1/timeline`: the app events on one CRM record, newest first, each rendered by its app's event template
// (header and detail are the template's Markdown with the event's tokens in it; the console renders the Markdown).
import { z } from "zod";

export const timelineEntry = z.object({
  eventId: z.string(),
  eventTemplateId: z.string(),
  templateName: z.string(),
  appId: z.number(),
  appName: z.string(),
  timestamp: z.string(),
  header: z.string(),
  detail: z.string().nullable(),
});

export const timelineAnswer = z.object({ results: z.array(timelineEntry) });

export type TimelineEntry = z.infer<typeof timelineEntry>;
export type TimelineAnswer = z.infer<typeof timelineAnswer>;
