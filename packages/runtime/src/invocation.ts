/** What a function sees as its first argument (HubSpot's app-function `context`). */
export interface FunctionContext {
  parameters: Record<string, unknown>;
  propertiesToSend: Record<string, unknown>;
  event: { type: string; payload: unknown };
  secrets: PlatformSecrets;
  accountId: number;
}

/** The platform values HubSpot puts in `context.secrets`; they are also set in the child's `process.env`. */
export interface PlatformSecrets {
  PRIVATE_APP_ACCESS_TOKEN: string;
  HS_ENVIRONMENT: string;
  HS_HUBLET: string;
  HS_SERVERLESS_FUNCTION_ID: string;
}

/**
 * SUCCESS: the function returned or called back with a JSON value.
 * ERROR: it threw, rejected, called back with an Error, or left an unhandled rejection or
 *   uncaught exception during the invocation (HubSpot's UNCAUGHT_ERROR).
 * TIMEOUT / OUT_OF_MEMORY: the runner killed it (wall clock, V8 heap limit or RSS watchdog).
 * INVALID_RESPONSE: the result is not JSON-serialisable or exceeds the payload limit.
 * INVALID_FUNCTION: the file could not be loaded or has no `main` function.
 * CRASHED: the process ended on its own (process.exit, a signal, a lost IPC channel).
 */
export type Outcome = "SUCCESS" | "ERROR" | "TIMEOUT" | "OUT_OF_MEMORY" | "INVALID_RESPONSE" | "INVALID_FUNCTION" | "CRASHED";

export type LogLevel = "log" | "info" | "warn" | "error" | "debug";

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Epoch milliseconds. */
  ts: number;
}

export interface InvocationError {
  /** The JS error name (`TypeError`) or, for platform failures, the outcome. */
  type: string;
  message: string;
  stack?: string;
  /** Node's error code when there is one, e.g. `ERR_ACCESS_DENIED`. */
  code?: string;
}

export interface InvocationResult {
  outcome: Outcome;
  /** The JSON result on SUCCESS (`undefined` became `null`). */
  value?: unknown;
  error?: InvocationError;
  durationMs: number;
  /** Peak resident memory of the runner process during this invocation, in bytes. */
  peakRssBytes: number;
  logs: LogEntry[];
  /** True when logs were cut at the log limit. */
  truncated: boolean;
  /** True when no warm runner was ready and this invocation waited for a process to start. */
  coldStart: boolean;
}
