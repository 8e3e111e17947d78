import { RuntimeError } from "./runtime-error";

export interface RunnerLimits {
  /** Wall-clock limit; the child is SIGKILLed when it passes. */
  timeoutMs: number;
  /** V8 old-space cap (`--max-old-space-size`). */
  heapMb: number;
  /** Resident-memory cap enforced by the parent's watchdog (covers Buffers and other off-heap memory). */
  rssMb: number;
  /** Console output kept per invocation; the rest is dropped and the result marked truncated. */
  logBytes: number;
  /** Cap on the serialised context and on the serialised result. */
  payloadBytes: number;
}

/** HubSpot's local executor uses 15 s; its docs give 128 MB and 6 MB payloads. */
export const DEFAULT_LIMITS: RunnerLimits = {
  timeoutMs: 15_000,
  heapMb: 128,
  rssMb: 384,
  logBytes: 64 * 1024,
  payloadBytes: 6 * 1024 * 1024,
};

export function resolveLimits(base: RunnerLimits, overrides: Partial<RunnerLimits> | undefined): RunnerLimits {
  const limits = { ...base, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in DEFAULT_LIMITS)) {
      throw new RuntimeError("INVALID_REQUEST", `unknown limit "${name}"`);
    }
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RuntimeError("INVALID_REQUEST", `limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}
