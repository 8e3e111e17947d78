export {
  createRunnerPool,
  DEFAULT_MAX_IDLE_RUNNERS,
  DEFAULT_MAX_RUNNERS_PER_BUILD,
  DEFAULT_RUNNER_IDLE_MS,
  DEFAULT_SPARE_RUNNERS,
  type RunnerPool,
  type RunnerPoolOptions,
  type RunnerPoolStats,
} from "./runner-pool";
export type { InvokeRequest } from "./invoke-request";
export type { FunctionContext, InvocationError, InvocationResult, LogEntry, LogLevel, Outcome, PlatformSecrets } from "./invocation";
export { DEFAULT_LIMITS, type RunnerLimits } from "./limits";
export type { Runner, RunnerFactory, RunnerInvocation, RunnerSpec } from "./runner";
export { pickUpAnswers, processRunnerFactory, processRunners, type ProcessRunnerOptions, type ProcessRunners } from "./process-runner";
export { runnerEntries, type RunnerEntries } from "./runner-entries";
export { RuntimeError, type RuntimeErrorCode } from "./runtime-error";
export { invokeInProcess } from "./in-process";
export { RUNNER_ID_BASE, runnerIdentity } from "./runner-identity";
