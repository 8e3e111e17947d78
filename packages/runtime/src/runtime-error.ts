export type RuntimeErrorCode =
  /** The caller passed something malformed (paths, names, limits, traceparent). */
  | "INVALID_REQUEST"
  /** The serialised context is over the payload limit. */
  | "PAYLOAD_TOO_LARGE"
  /** A runner process could not start (e.g. its entry files are unreadable by the runner user). */
  | "RUNNER_START_FAILED"
  | "POOL_CLOSED";

/** A failure of the call itself, as opposed to a function outcome (those come back as results). */
export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
