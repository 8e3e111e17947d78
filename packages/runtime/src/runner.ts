import type { FunctionContext, InvocationResult } from "./invocation";
import type { RunnerLimits } from "./limits";

/** What a runner is created for: one app build, never shared across apps or accounts. */
export interface RunnerSpec {
  buildKey: string;
  /** The account whose code this is: each account's runners run as its own user (runner-identity.ts). */
  accountId: number;
  /** Absolute path of the built functions folder (bundles, maybe node_modules). */
  bundleDir: string;
  heapMb: number;
  /** Where calls to api.hubapi.com go instead, e.g. http://127.0.0.1:3900; the one local address the runner may reach. */
  hubspotApiBaseUrl: string;
  /** Let the function reach loopback and private networks too (child/network-guard.ts); false by default. */
  allowPrivateNetwork: boolean;
}

export interface RunnerInvocation {
  /** Absolute path of the bundle file, inside the build folder. */
  file: string;
  functionName: string;
  context: FunctionContext;
  env: Record<string, string>;
  traceparent: string | undefined;
  limits: RunnerLimits;
  reloadModule: boolean;
}

/**
 * One isolated place to run a build's functions, one invocation at a time. The process runner
 * is the first implementation; a container or microVM runner can implement the same contract.
 */
export interface Runner {
  readonly spec: RunnerSpec;
  /** Resolves when the runner can take an invocation; rejects with RUNNER_START_FAILED. */
  readonly ready: Promise<void>;
  /** True while the runner is alive and every invocation so far ended cleanly. */
  readonly reusable: boolean;
  invoke(invocation: RunnerInvocation): Promise<InvocationResult>;
  /** Registers a listener for the runner ending (killed, crashed, closed). */
  onExit(listener: () => void): void;
  close(): Promise<void>;
}

export type RunnerFactory = (spec: RunnerSpec) => Runner;
