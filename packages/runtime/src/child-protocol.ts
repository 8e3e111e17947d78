import type { FunctionContext, InvocationError, LogLevel } from "./invocation";

/**
 * Parent → child, first and once, as a frame's header (frames.ts) on the runner's fd 3: the runner now serves one
 * build. Until it comes the runner loads nothing of any build and takes no invocation.
 */
export interface BindMessage {
  type: "bind";
  /**
   * The account's runner user (runner-identity.ts) for a spare started as root, taken before any function code is
   * loaded; absent when the runner was started under its identity already (or accounts are not separated).
   */
  identity?: { uid: number; gid: number };
}

/** Parent → child, as a frame's header (frames.ts) on the runner's fd 3. */
export interface InvokeMessage {
  type: "invoke";
  id: number;
  /** Named in load-failure messages. */
  functionName: string;
  /** Absolute path of the bundle file inside the build directory. */
  file: string;
  /** The whole environment for this invocation: declared secrets, token and HS_* values. */
  env: Record<string, string>;
  context: FunctionContext;
  traceparent: string | undefined;
  logBytes: number;
  payloadBytes: number;
  /** Drop the build's modules from require.cache first (HubSpot's local executor does this every call). */
  reloadModule: boolean;
}

/**
 * Child → parent, as frame headers; a log's message and a result's JSON travel as the frame's body. The child runs
 * untrusted code, so the parent validates and caps everything it receives, and a message that breaks the protocol
 * ends the runner.
 */
export type ChildMessage =
  | { type: "ready" }
  | { type: "log"; id: number; level: LogLevel; ts: number }
  | {
      type: "result";
      id: number;
      outcome: "SUCCESS" | "ERROR" | "INVALID_RESPONSE" | "INVALID_FUNCTION";
      error?: InvocationError;
      truncated: boolean;
      /** An uncaught exception or unhandled rejection happened: the process must not be reused. */
      tainted: boolean;
    }
  /** An uncaught exception or unhandled rejection outside any invocation. */
  | { type: "fault"; error: InvocationError };

/** The largest frame header the parent reads (the child cuts each field of an error to ERROR_TEXT_BYTES). */
export const HEADER_BYTES = 64 * 1024;
/** How much of each field of an error (type, message, stack, code) the child sends. */
export const ERROR_TEXT_BYTES = 16 * 1024;
