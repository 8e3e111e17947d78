// `/api/v1/app-pages`: the app home pages and settings pages of the account's live builds, and who views them (what
// the extension host hands the page as HubSpot's `context.user` and `context.portal`).
import { z } from "zod";

export const appPage = z.object({
  appId: z.number(),
  appName: z.string(),
  appUid: z.string(),
  buildId: z.number(),
  uid: z.string(),
  type: z.enum(["page", "pages", "settings"]),
  /** HubSpot's extension point: `home` for app pages, `settings` for the settings page. */
  location: z.enum(["home", "settings"]),
  bundleUrl: z.string(),
});

export const appPagesAnswer = z.object({
  results: z.array(appPage),
  user: z.object({
    id: z.number(),
    email: z.string(),
    emails: z.array(z.string()),
    firstName: z.string(),
    lastName: z.string(),
    roles: z.array(z.string()),
    teams: z.array(z.object({ id: z.number(), name: z.string(), teammates: z.array(z.number()).optional() })),
    permissions: z.array(z.string()),
  }),
  portal: z.object({ id: z.number(), timezone: z.string() }),
});

export type AppPage = z.infer<typeof appPage>;
export type AppPagesAnswer = z.infer<typeof appPagesAnswer>;
