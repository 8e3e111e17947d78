import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { callMain, describeError, serialiseResult } from "./call-main";
import type { FunctionContext, InvocationResult } from "./invocation";
import { DEFAULT_LIMITS } from "./limits";

const requireModule = createRequire(import.meta.url);

/**
 * Runs a function in this process with no sandbox, no limits and no log capture: the baseline
 * the benchmark compares the pool against. Never use it for untrusted code.
 */
export async function invokeInProcess(
  file: string,
  context: FunctionContext,
): Promise<Pick<InvocationResult, "outcome" | "value" | "error" | "durationMs">> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const main = (requireModule(file) as { main?: unknown }).main;
  if (typeof main !== "function") {
    return {
      outcome: "INVALID_FUNCTION",
      error: { type: "INVALID_FUNCTION", message: `${file} does not export a main function` },
      durationMs: elapsed(),
    };
  }
  const settlement = await callMain(main as (...args: unknown[]) => unknown, context);
  if (!settlement.ok) return { outcome: "ERROR", error: describeError(settlement.error), durationMs: elapsed() };
  const serialised = serialiseResult(settlement.value, DEFAULT_LIMITS.payloadBytes);
  if (!serialised.ok) {
    return { outcome: "INVALID_RESPONSE", error: { type: "INVALID_RESPONSE", message: serialised.message }, durationMs: elapsed() };
  }
  return { outcome: "SUCCESS", value: JSON.parse(serialised.json), durationMs: elapsed() };
}
