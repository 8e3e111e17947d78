import type { FunctionContext, InvocationError, LogLevel } from "./invocation";

/** Parent → child over the IPC channel. */
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

/** Child → parent. The child runs untrusted code, so the parent validates and caps everything it receives. */
export type ChildMessage =
  | { type: "ready" }
  | { type: "log"; id: number; level: LogLevel; message: string; ts: number }
  | {
      type: "result";
      id: number;
      outcome: "SUCCESS" | "ERROR" | "INVALID_RESPONSE" | "INVALID_FUNCTION";
      json?: string;
      error?: InvocationError;
      truncated: boolean;
      /** An uncaught exception or unhandled rejection happened: the process must not be reused. */
      tainted: boolean;
    }
  /** An uncaught exception or unhandled rejection outside any invocation. */
  | { type: "fault"; error: InvocationError };
