import type { InvocationResult } from "./invocation";
import { checkAccountId, checkBundleDir, checkInvokeRequest, type InvokeRequest } from "./invoke-request";
import { DEFAULT_LIMITS, type RunnerLimits, resolveLimits } from "./limits";
import { processRunners } from "./process-runner";
import type { Runner, RunnerFactory } from "./runner";
import { runnerEntries } from "./runner-entries";
import { giveBuildDir, runnerIdentity } from "./runner-identity";
import { RuntimeError } from "./runtime-error";

export interface RunnerPoolOptions {
  /** Where calls to api.hubapi.com are sent instead, e.g. http://127.0.0.1:3900. */
  hubspotApiBaseUrl: string;
  /** Idle started runners kept ready per build once the build is known (default 1). */
  warmPerBuild?: number;
  /** Most runners alive per build, busy or idle; further invocations wait (default DEFAULT_MAX_RUNNERS_PER_BUILD). */
  maxPerBuild?: number;
  /** An idle runner is stopped after this long unused (default 5 minutes), and not replaced until its build is called. */
  idleMs?: number;
  /** Most idle runners kept across all builds; past it the least recently used idle runner is stopped (default 16). */
  maxIdle?: number;
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
  /**
   * Started runners bound to no build, kept for cold calls (process runners only): a first call to an idle app takes
   * one instead of waiting for a process to start (process-runner.ts). Default 0 here, so that a pool made for one
   * job starts no process it was not asked for; the server's setting defaults to DEFAULT_SPARE_RUNNERS.
   */
  spareRunners?: number;
  /** Another runner kind (container, microVM); default: sandboxed Node child processes. */
  createRunner?: RunnerFactory;
}

export interface RunnerPool {
  invoke(request: InvokeRequest): Promise<InvocationResult>;
  /** Starts the warm runners for an account's build ahead of its first call (e.g. right after a deploy); resolves when they are ready. */
  prewarm(buildKey: string, bundleDir: string, accountId: number): Promise<void>;
  /**
   * Stops a build's runners (idle ones now, busy ones when their invocation ends); resolves once all of them have
   * exited, so the build's folder can then be removed. A later call of the build starts cold.
   */
  evict(buildKey: string): Promise<void>;
  /** How many runners are alive (busy or idle), how many of them idle, and the keys of the builds that have any. */
  stats(): RunnerPoolStats;
  /** Stops every runner; invocations in flight end as CRASHED. */
  close(): Promise<void>;
}

export interface RunnerPoolStats {
  runners: number;
  idle: number;
  /** Spares alive: started, bound to no build, not counted in `runners`. */
  spares: number;
  builds: string[];
}

/** Default idle time: long enough for a card's burst of calls, short enough that a thousand quiet apps cost nothing. */
export const DEFAULT_RUNNER_IDLE_MS = 5 * 60_000;
/**
 * Default cap on one build's runners. Each runs one call at a time, and a call holds its runner until the server's
 * event loop reads the answer (at the latest at the end of the turn): under a mixed load of 200 clients a turn took
 * about 200 ms, and with the answer read a turn later 4 runners capped an app at about 17 calls a second however cheap
 * its function. Only busy builds grow to this; idle runners past the node's idle cap are stopped.
 */
export const DEFAULT_MAX_RUNNERS_PER_BUILD = 16;
/** Default cap on idle runners: about 16 × 45 MB of warm processes, whatever the number of apps on the node. */
export const DEFAULT_MAX_IDLE_RUNNERS = 16;
/** The server's default spares: enough for cold calls that come one after another; each is a started process (~40 MB). */
export const DEFAULT_SPARE_RUNNERS = 2;

interface Build {
  key: string;
  accountId: number;
  bundleDir: string;
  runners: Set<Runner>;
  /** Idle runners, oldest first; each is also in the pool's LRU list of idle runners. */
  idle: Runner[];
  /** Until each runner of the build (including those already let go) has exited. */
  exits: Set<Promise<void>>;
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
  const maxPerBuild = count("maxPerBuild", options.maxPerBuild ?? DEFAULT_MAX_RUNNERS_PER_BUILD, 1);
  const idleMs = count("idleMs", options.idleMs ?? DEFAULT_RUNNER_IDLE_MS, 1);
  const maxIdle = count("maxIdle", options.maxIdle ?? DEFAULT_MAX_IDLE_RUNNERS, 0);
  const spares = Math.min(warmPerBuild, maxIdle);
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
  const processes = options.createRunner
    ? undefined
    : processRunners({
        entries: runnerEntries(),
        separateAccounts,
        spares: {
          count: count("spareRunners", options.spareRunners ?? 0, 0),
          heapMb: poolLimits.heapMb,
          hubspotApiBaseUrl: baseUrl.href,
          allowPrivateNetwork,
        },
      });
  const createRunner = options.createRunner ?? processes!.create;

  const builds = new Map<string, Build>();
  const started = new WeakSet<Runner>();
  /** Every idle runner of every build, least recently used first (a Map keeps insertion order), with its idle timer. */
  const idleRunners = new Map<Runner, { build: Build; timer: NodeJS.Timeout }>();
  /** Runners stopped on purpose (idle too long, over the cap, evicted): their exit is no reason to start another. */
  const retired = new WeakSet<Runner>();
  /** Every runner not yet exited, evicted builds' included. */
  const living = new Set<Runner>();
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
      build = { key, accountId, bundleDir, runners: new Set(), idle: [], exits: new Set(), waiters: [], evicted: false };
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
    living.add(runner);
    build.runners.add(runner);
    runner.ready.then(
      () => started.add(runner),
      () => undefined,
    );
    const exit = new Promise<void>((resolve) => {
      runner.onExit(() => {
        living.delete(runner);
        build.exits.delete(exit);
        build.runners.delete(runner);
        unpark(build, runner);
        // A runner that never started would fail again the same way: do not respawn in a loop.
        if (started.has(runner) && !retired.has(runner)) refill(build);
        build.waiters.shift()?.wake();
        // A build with nothing running is forgotten; its next call sets it up again and starts cold.
        if (build.runners.size === 0 && build.waiters.length === 0 && builds.get(build.key) === build) builds.delete(build.key);
        resolve();
      });
    });
    build.exits.add(exit);
    return runner;
  }

  /** Makes a runner idle: the most recently used of all, stopped after idleMs unused or when over the cap. */
  function park(build: Build, runner: Runner): void {
    build.idle.push(runner);
    // Unref'd: an idle runner's timer must not keep the server process alive.
    const timer = setTimeout(() => retire(runner), idleMs).unref();
    idleRunners.set(runner, { build, timer });
    while (idleRunners.size > maxIdle) retire(idleRunners.keys().next().value as Runner);
  }

  /** Takes a runner out of the idle lists (to use it, or because it is gone). */
  function unpark(build: Build, runner: Runner): void {
    const index = build.idle.indexOf(runner);
    if (index >= 0) build.idle.splice(index, 1);
    const entry = idleRunners.get(runner);
    if (!entry) return;
    clearTimeout(entry.timer);
    idleRunners.delete(runner);
  }

  /** Stops an idle runner for good, without starting a spare in its place. */
  function retire(runner: Runner): void {
    const entry = idleRunners.get(runner);
    if (!entry) return;
    unpark(entry.build, runner);
    entry.build.runners.delete(runner);
    retired.add(runner);
    void runner.close();
  }

  /** Keeps warmPerBuild started-or-starting spares for a live build (never more than the pool may keep idle). */
  function refill(build: Build): void {
    while (!closed && !build.evicted && build.idle.length < spares && build.runners.size < maxPerBuild) {
      park(build, spawnRunner(build, poolLimits.heapMb));
    }
  }

  async function acquire(build: Build, heapMb: number): Promise<{ runner: Runner; cold: boolean }> {
    // Newcomers queue behind those already waiting instead of taking a runner in between: under load, barging left
    // some invocations waiting many times longer than the rest.
    let woken = false;
    for (;;) {
      if (closed) throw new RuntimeError("POOL_CLOSED", "The runner pool is closed");
      if (woken || build.waiters.length === 0) {
        const runner = build.idle.find((r) => r.reusable && r.spec.heapMb === heapMb);
        if (runner) {
          unpark(build, runner);
          return { runner, cold: !started.has(runner) };
        }
        // Spares started with another heap size make room for this one.
        const mismatched = build.idle[0];
        if (mismatched) retire(mismatched);
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
      park(build, runner);
    } else {
      // Spent, or the next in line needs another heap size: this one makes room.
      build.runners.delete(runner);
      void runner.close();
    }
    refill(build);
    next?.wake();
  }

  /** Stops a build's idle runners now; resolves when its busy ones have ended too. */
  async function stop(build: Build): Promise<void> {
    build.evicted = true;
    if (builds.get(build.key) === build) builds.delete(build.key);
    for (const runner of [...build.idle]) retire(runner);
    await Promise.all(build.exits);
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

    stats() {
      return { runners: living.size, idle: idleRunners.size, spares: processes?.spares() ?? 0, builds: [...builds.keys()] };
    },

    async close() {
      closed = true;
      const all = [...builds.values()];
      const stopping = Promise.all(all.map(stop));
      // Busy runners too, those of builds evicted earlier included: their calls end as CRASHED.
      await Promise.all([...living].map((r) => r.close()).concat(processes?.close() ?? []));
      await stopping;
      for (const build of all) for (const waiter of build.waiters.splice(0)) waiter.wake();
    },
  };
}
