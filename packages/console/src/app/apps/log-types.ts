// What the console adds to the log shapes of @sprocket/contract: labels, failure colours, durations.
import type { LogEvent, LogKind } from "@sprocket/contract";

export const logKindLabels: Record<LogKind, string> = {
  "api-calls": "API calls",
  functions: "Serverless functions",
  extensions: "Extensions",
  security: "Security",
};

/** Whether the event went wrong, for the red badges and the trace's colours. */
export function failed(e: LogEvent): boolean {
  switch (e.kind) {
    case "api-call":
      return e.status >= 400;
    case "function-run":
      return e.outcome !== "SUCCESS";
    case "extension-event":
      return e.eventType === "RENDER_FAILURE" || e.level === "ERROR";
    case "security-event":
      return false;
  }
}

export const formatMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? "—" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
