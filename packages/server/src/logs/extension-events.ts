import { z } from "zod";
import { uidProblem } from "@sprocket/project-format";
import type { Platform } from "../platform";
import type { UserPrincipal } from "../http/authenticate";
import { parseBody } from "../util/parse-body";
import { invalid } from "../errors/domain-error";
import { findApp } from "../apps/app-queries";
import { mapCardStack } from "../extensions/card-stacks";
import { redactText, truncate } from "./redact";

const MESSAGE_LIMIT = 8 * 1024;
const MAX_EVENTS = 100;

/**
 * A card's uid and location are identifiers (HubSpot's uid rule: letters, digits, ".", "-", "_", at most 64), as the
 * project's validation made them: nothing else is a card of ours, and names shown in tables and terminals stay plain.
 * The message is the card's own text: it is stored as given, and each viewer escapes it (the CLI, React).
 */
export const identifier = z.string().superRefine((value, ctx) => {
  const problem = uidProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const extensionEvent = z
  .object({
    appId: z.number().int().positive(),
    cardUid: identifier,
    location: identifier,
    objectTypeId: z.string().max(100).nullish(),
    objectId: z.union([z.string().max(100), z.number().int()]).nullish(),
    kind: z.enum(["RENDER_SUCCESS", "RENDER_FAILURE", "LOG"]),
    level: z.enum(["DEBUG", "INFO", "WARN", "ERROR", "debug", "info", "warn", "error"]).optional(),
    message: z.string().default(""),
    traceId: z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hexadecimal characters (a W3C trace ID)"),
    spanId: z.string().regex(/^[0-9a-f]{16}$/, "must be 16 lowercase hexadecimal characters (a W3C span ID)"),
    parentSpanId: z
      .string()
      .regex(/^[0-9a-f]{16}$/, "must be 16 lowercase hexadecimal characters")
      .nullish(),
    durationMs: z.number().min(0).max(3_600_000).nullish(),
    timestamp: z.number().int().positive().optional(),
  })
  .strict();

const body = z.union([extensionEvent, z.array(extensionEvent).min(1).max(MAX_EVENTS)]);

/** Accepts what the console's extension host reports (renders and `logger.*` lines) for cards of the user's own account. */
export async function ingestExtensionEvents(p: Platform, user: UserPrincipal, raw: unknown): Promise<number> {
  const parsed = parseBody(body, raw, "extension events");
  const events = Array.isArray(parsed) ? parsed : [parsed];
  for (const appId of new Set(events.map((e) => e.appId))) {
    await findApp(p.store.db, user.accountId, String(appId)).catch(() => {
      throw invalid(`appId ${appId} is not a private app of account ${user.accountId}.`, [{ message: "appId: unknown app", in: "appId" }]);
    });
  }
  const now = p.clock.now();
  for (const e of events) {
    p.logs.sink.add("extension_events", {
      account_id: user.accountId,
      app_id: e.appId,
      user_id: user.userId,
      card_uid: e.cardUid,
      location: e.location,
      object_type_id: e.objectTypeId ?? null,
      object_id: e.objectId === undefined || e.objectId === null ? null : String(e.objectId),
      kind: e.kind,
      level: (e.level?.toUpperCase() ?? (e.kind === "RENDER_FAILURE" ? "ERROR" : "INFO")) as "DEBUG" | "INFO" | "WARN" | "ERROR",
      // A card's stack names its minified bundle: stored in the project's files and lines instead.
      message: truncate(redactText(await mapCardStack(p, user.accountId, e.message)), MESSAGE_LIMIT),
      duration_ms: e.durationMs ?? null,
      trace_id: e.traceId,
      span_id: e.spanId,
      parent_span_id: e.parentSpanId ?? null,
      // The browser's clock may be off: a timestamp more than a minute from ours is replaced by ours.
      created_at: e.timestamp !== undefined && Math.abs(e.timestamp - now) < 60_000 ? e.timestamp : now,
    });
  }
  return events.length;
}
