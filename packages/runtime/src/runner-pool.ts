import type { InvocationResult } from "./invocation";
import { checkAccountId, checkBundleDir, checkInvokeRequest, type InvokeRequest } from "./invoke-request";
import { DEFAULT_LIMITS, type RunnerLimits, resolveLimits } from "./limits";
import { processRunnerFactory } from "./process-runner";
import type { Runner, RunnerFactory } from "./runner";
import { runnerEntries } from "./runner-entries";
import { giveBuildDir, runnerIdentity } from "./runner-identity";
import { RuntimeError } from "./runtime-error";

export interface RunnerPoolOptions {
  /** Where calls to api.hubapi.com are sent instead, e.g. http://127.0.0.1:3900. */
  hubspotApiBaseUrl: string;
  /** Idle started runners kept ready per build once the build is known (default 1). */
  warmPerBuild?: number;
  /** Most runners alive per build; further invocations wait (default 4). */
  maxPerBuild?: number;
  limits?: Partial<RunnerLimits>;
  /** Re-evaluate modules on every call, like HubSpot's local executor (default false: keep them warm). */
  reloadModule?: boolean;
  /**
   * Run each account's runners as its own user and give each build folder to it (runner-identity.ts). Default: when
   * this process is root (only root can switch users); false keeps the runners under this process's own identity.
   */
  separateAccounts?: boolean;
  /**
   * Let functions connect to loopback, private and link-local addresses (SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK).
   * Default false: only public addresses and the HubSpot API base URL (child/network-guard.ts).
   */
  allowPrivateNetwork?: boolean;
  /** Another runner kind (container, microVM); default: sandboxed Node child processes. */
  createRunner?: RunnerFactory;
}

export interface RunnerPool {
  invoke(request: InvokeRequest): Promise<InvocationResult>;
  /** Starts the warm runners for an account's build ahead of its first call (e.g. right after a deploy); resolves when they are ready. */
  prewarm(buildKey: string, bundleDir: string, accountId: number): Promise<void>;
  /** Stops a build's runners (idle ones now, busy ones when their invocation ends). */
  evict(buildKey: string): Promise<void>;
  /** Stops every runner; invocations in flight end as CRASHED. */
  close(): Promise<void>;
}

interface Build {
  key: string;
  accountId: number;
  bundleDir: string;
  runners: Set<Runner>;
  idle: Runner[];
  /** Invocations waiting for a runner, first come first served: a released runner goes straight to the first. */
  waiters: Waiter[];
  evicted: boolean;
}

interface Waiter {
  heapMb: number;
  /** A runner handed over, or nothing: look again (a runner exited, or the pool closed). */
  wake(runner?: Runner): void;
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RuntimeError("INVALID_REQUEST", `${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const warmPerBuild = count("warmPerBuild", options.warmPerBuild ?? 1, 0);
  const maxPerBuild = count("maxPerBuild", options.maxPerBuild ?? 4, 1);
  if (warmPerBuild > maxPerBuild) {
    throw new RuntimeError("INVALID_REQUEST", `warmPerBuild (${warmPerBuild}) exceeds maxPerBuild (${maxPerBuild})`);
  }
  let baseUrl: URL;
  try {
    baseUrl = new URL(options.hubspotApiBaseUrl);
  } catch {
    throw new RuntimeError("INVALID_REQUEST", `hubspotApiBaseUrl ${JSON.stringify(options.hubspotApiBaseUrl)} is not a URL`);
  }
  if (baseUrl.protocol !== "http:" && baseUrl.protocol !== "https:") {
    throw new RuntimeError("INVALID_REQUEST", `hubspotApiBaseUrl must be http or https, got ${baseUrl.protocol}`);
  }
  const poolLimits = resolveLimits(DEFAULT_LIMITS, options.limits);
  const separateAccounts = options.separateAccounts ?? process.getuid?.() === 0;
  const allowPrivateNetwork = options.allowPrivateNetwork ?? false;
  const createRunner = options.createRunner ?? processRunnerFactory({ entries: runnerEntries(), separateAccounts });

  const builds = new Map<string, Build>();
  const started = new WeakSet<Runner>();
  let closed = false;

  function buildFor(key: string, bundleDir: string, accountId: number): Build {
    let build = builds.get(key);
    if (build && build.bundleDir !== bundleDir) {
      throw new RuntimeError("INVALID_REQUEST", `build ${key} is already served from ${build.bundleDir}, not ${bundleDir}`);
    }
    if (build && build.accountId !== accountId) {
      throw new RuntimeError("INVALID_REQUEST", `build ${key} belongs to account ${build.accountId}, not ${accountId}`);
    }
    if (!build) {
      if (separateAccounts) giveBuildDir(bundleDir, runnerIdentity(accountId));
      build = { key, accountId, bundleDir, runners: new Set(), idle: [], waiters: [], evicted: false };
      builds.set(key, build);
    }
    return build;
  }

  function spawnRunner(build: Build, heapMb: number): Runner {
    const runner = createRunner({
      buildKey: build.key,
      accountId: build.accountId,
      bundleDir: build.bundleDir,
      heapMb,
      hubspotApiBaseUrl: baseUrl.href,
      allowPrivateNetwork,
    });
    build.runners.add(runner);
    runner.ready.then(() => started.add(runner), () => undefined);
    runner.onExit(() => {
      build.runners.delete(runner);
      build.idle = build.idle.filter((r) => r !== runner);
      // A runner that never started would fail again the same way: do not respawn in a loop.
      if (started.has(runner)) refill(build);
      build.waiters.shift()?.wake();
    });
    return runner;
  }

  /** Keeps warmPerBuild started-or-starting spares for a live build. */
  function refill(build: Build): void {
    while (!closed && !build.evicted && build.idle.length < warmPerBuild && build.runners.size < maxPerBuild) {
      build.idle.push(spawnRunner(build, poolLimits.heapMb));
    }
  }

  async function acquire(build: Build, heapMb: number): Promise<{ runner: Runner; cold: boolean }> {
    // Newcomers queue behind those already waiting instead of taking a runner in between: under load, barging left
    // some invocations waiting many times longer than the rest.
    let woken = false;
    for (;;) {
      if (closed) throw new RuntimeError("POOL_CLOSED", "The runner pool is closed");
      if (woken || build.waiters.length === 0) {
        const index = build.idle.findIndex((r) => r.reusable && r.spec.heapMb === heapMb);
        if (index >= 0) {
          const [runner] = build.idle.splice(index, 1) as [Runner];
          return { runner, cold: !started.has(runner) };
        }
        // Spares started with another heap size make room for this one.
        const mismatched = build.idle.shift();
        if (mismatched) {
          build.runners.delete(mismatched);
          void mismatched.close();
        }
        if (build.runners.size < maxPerBuild) return { runner: spawnRunner(build, heapMb), cold: true };
      }
      const handed = await new Promise<Runner | undefined>((resolve) => {
        const waiter = { heapMb, wake: resolve };
        // One who was woken for nothing keeps its place at the front.
        if (woken) build.waiters.unshift(waiter);
        else build.waiters.push(waiter);
      });
      if (handed) return { runner: handed, cold: false };
      woken = true;
    }
  }

  function release(build: Build, runner: Runner): void {
    const reusable = runner.reusable && !build.evicted && !closed;
    const next = build.waiters.shift();
    if (reusable && next?.heapMb === runner.spec.heapMb) {
      next.wake(runner);
      return;
    }
    if (reusable && !next) {
      build.idle.push(runner);
    } else {
      // Spent, or the next in line needs another heap size: this one makes room.
      build.runners.delete(runner);
      void runner.close();
    }
    refill(build);
    next?.wake();
  }

  async function stop(build: Build): Promise<void> {
    build.evicted = true;
    builds.delete(build.key);
    const idle = build.idle.splice(0);
    for (const runner of idle) build.runners.delete(runner);
    await Promise.all(idle.map((r) => r.close()));
  }

  return {
    async invoke(request) {
      if (closed) throw new RuntimeError("POOL_CLOSED", "The runner pool is closed");
      const limits = resolveLimits(poolLimits, request.limits);
      const { bundleDir, file, env } = checkInvokeRequest(request, limits.payloadBytes);
      const build = buildFor(request.buildKey, bundleDir, request.accountId);
      const { runner, cold } = await acquire(build, limits.heapMb);
      try {
        const result = await runner.invoke({
          file,
          functionName: request.functionName,
          context: request.context,
          env,
          traceparent: request.traceparent,
          limits,
          reloadModule: request.reloadModule ?? options.reloadModule ?? false,
        });
        return { ...result, coldStart: cold };
      } finally {
        release(build, runner);
      }
    },

    async prewarm(buildKey, bundleDir, accountId) {
      if (closed) throw new RuntimeError("POOL_CLOSED", "The runner pool is closed");
      const build = buildFor(buildKey, checkBundleDir(bundleDir), checkAccountId(accountId));
      refill(build);
      await Promise.all(build.idle.map((runner) => runner.ready));
    },

    async evict(buildKey) {
      const build = builds.get(buildKey);
      if (build) await stop(build);
    },

    async close() {
      closed = true;
      const all = [...builds.values()];
      await Promise.all(all.map(stop));
      await Promise.all(all.flatMap((build) => [...build.runners].map((r) => r.close())));
      for (const build of all) for (const waiter of build.waiters.splice(0)) waiter.wake();
    },
  };
}
