import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import { type BindMessage, type ChildMessage, HEADER_BYTES, type InvokeMessage } from "./child-protocol";
import { encodeFrame, FrameReader } from "./frames";
import type { InvocationError, InvocationResult, LogEntry, LogLevel, Outcome } from "./invocation";
import type { RunnerLimits } from "./limits";
import { readResidentMemory, resetPeakMemory } from "./process-memory";
import type { Runner, RunnerFactory, RunnerInvocation, RunnerSpec } from "./runner";
import type { RunnerEntries } from "./runner-entries";
import { type RunnerIdentity, runnerIdentity } from "./runner-identity";
import { RuntimeError } from "./runtime-error";

export interface ProcessRunnerOptions {
  entries: RunnerEntries;
  /** Run each account's runners as its own user (runner-identity.ts; needs root); false keeps the parent's identity. */
  separateAccounts: boolean;
}

export interface SpareRunnerOptions {
  /** How many started runners bound to no build are kept ready (0: every runner starts cold). */
  count: number;
  /** The pool's heap size, network base URL and policy: a spare serves only specs that match them. */
  heapMb: number;
  hubspotApiBaseUrl: string;
  allowPrivateNetwork: boolean;
}

/** Process runners, with up to `spares.count` spares kept started; `close` stops the spares not taken. */
export interface ProcessRunners {
  create: RunnerFactory;
  /** How many spares are alive (started or starting, bound to nothing). */
  spares(): number;
  close(): Promise<void>;
}

const WATCHDOG_INTERVAL_MS = 50;
const LOG_LEVELS = new Set<LogLevel>(["log", "info", "warn", "error", "debug"]);
const MB = 1024 * 1024;
/** Scratch space for pickUpAnswer's reads; what is read is copied out, so one buffer serves every runner. */
const PICK_UP_BUFFER = Buffer.allocUnsafe(64 * 1024);
const RESULT_OUTCOMES = new Set(["SUCCESS", "ERROR", "INVALID_RESPONSE", "INVALID_FUNCTION"]);
/** Runners of this process with a call out, for pickUpAnswers. */
const awaiting = new Set<ProcessRunner>();
/** pickUpAnswers looks at most this often: a cheap function answers in about a millisecond. */
const SWEEP_MS = 1;
let lastSweep = 0;

/**
 * Reads the answers that runners have already sent, now, without waiting for the poll phase. The host calls it between
 * the requests of a busy turn of its event loop (the server: as each HTTP request starts). Under 200 clients a turn
 * took 150–350 ms, and an answer picked up only at the turn's end (check phase, pickUpAnswer) went back with no time
 * left for its client to send the next call before the next turn's poll, so a function client often got one answer
 * every two turns where a read client got one every turn. Picked up between requests, it goes back mid-turn, as a
 * read's does. Non-blocking reads (pickUpAnswer); an answer not there yet costs one EAGAIN per busy runner.
 */
export function pickUpAnswers(): void {
  if (awaiting.size === 0) return;
  const now = performance.now();
  if (now - lastSweep < SWEEP_MS) return;
  lastSweep = now;
  for (const runner of awaiting) runner.pickUpAnswer();
}

export function processRunnerFactory(options: ProcessRunnerOptions): RunnerFactory {
  return (spec) => coldRunner(spec, options);
}

/** A runner started for its build: it reads the build folder itself, and starts as the account's user. */
function coldRunner(spec: RunnerSpec, options: ProcessRunnerOptions, afterFirstCall?: () => void): ProcessRunner {
  const runner = new ProcessRunner(
    {
      readDir: spec.bundleDir,
      buildDir: spec.bundleDir,
      heapMb: spec.heapMb,
      hubspotApiBaseUrl: spec.hubspotApiBaseUrl,
      allowPrivateNetwork: spec.allowPrivateNetwork,
      ...(options.separateAccounts ? { identity: runnerIdentity(spec.accountId) } : {}),
    },
    options.entries,
  );
  runner.bind(spec, undefined, afterFirstCall);
  return runner;
}

/**
 * Process runners with spares: a cold call's runner start (Node's own start, the permission model, the preload and
 * the entry script: about twice `node -e 0`) happens before the call instead of during it. A spare is started bound
 * to no build and may read one folder only besides the runner's scripts: its own, empty, root's (0711, in a 0711
 * folder of spares); a spare started as root runs nothing but the runner's own scripts. Taking one for a build makes
 * a link `build` in that folder to the build folder (already given to the account's user by then) and sends it the
 * account's user, which it takes for good before it loads any function code (child/entry.ts). So a bound spare can
 * read exactly what a runner started for that build could: its build folder. Spares are topped up once a runner taken
 * or started cold for a call is done with its first call (or gone), so that their start does not compete with it.
 */
export function processRunners(options: ProcessRunnerOptions & { spares: SpareRunnerOptions }): ProcessRunners {
  const { count } = options.spares;
  const spares: ProcessRunner[] = [];
  let slots: string | undefined;
  let closed = false;

  const start = () => {
    if (!slots) {
      slots = mkdtempSync(path.join(os.tmpdir(), "sprocket-spares-"));
      // Runner users must pass through it to reach their link, but not list it.
      chmodSync(slots, 0o711);
    }
    // The spare's own folder exists before it starts (the permission model grants a missing path as a file, not as
    // a folder); the link to its build is made inside it at bind.
    const slot = path.join(slots, randomBytes(16).toString("hex"));
    mkdirSync(slot, { mode: 0o711 });
    const spare = new ProcessRunner({ ...options.spares, readDir: slot, buildDir: path.join(slot, "build"), slot }, options.entries);
    spares.push(spare);
    // A spare that dies unbound is replaced after the next call only: one that cannot start would fail again, in a loop.
    spare.onExit(() => {
      const index = spares.indexOf(spare);
      if (index >= 0) spares.splice(index, 1);
    });
  };
  const refill = () => {
    while (!closed && spares.length < count) start();
  };
  // Started after the current turn: the pool is created for a first call, which should not wait for them.
  if (count > 0) setImmediate(refill);

  return {
    create(spec) {
      const { heapMb, hubspotApiBaseUrl, allowPrivateNetwork } = options.spares;
      const fits =
        spec.heapMb === heapMb && spec.hubspotApiBaseUrl === hubspotApiBaseUrl && spec.allowPrivateNetwork === allowPrivateNetwork;
      const index = fits ? spares.findIndex((candidate) => candidate.reusable) : -1;
      if (index < 0) return coldRunner(spec, options, fits ? refill : undefined);
      const [spare] = spares.splice(index, 1) as [ProcessRunner];
      try {
        spare.bind(spec, options.separateAccounts ? runnerIdentity(spec.accountId) : undefined, refill);
      } catch {
        void spare.close();
        return coldRunner(spec, options, refill);
      }
      return spare;
    },
    spares: () => spares.length,
    async close() {
      closed = true;
      await Promise.all(spares.splice(0).map((spare) => spare.close()));
      if (slots) rmSync(slots, { recursive: true, force: true });
    },
  };
}

/** How a runner process is started; the build it serves comes with bind(). */
interface Launch {
  /** The one folder it may read besides the runner's scripts: the build folder, or a spare's own folder. */
  readDir: string;
  /** The build folder as the runner reads it: the build folder itself, or the spare's link to it, made at bind. */
  buildDir: string;
  /** A spare's own folder, removed when it exits. */
  slot?: string;
  heapMb: number;
  hubspotApiBaseUrl: string;
  allowPrivateNetwork: boolean;
  /** Start as this user (a runner started for its build); a spare takes it at bind. */
  identity?: RunnerIdentity;
}

interface ActiveInvocation {
  id: number;
  limits: RunnerLimits;
  started: number;
  logs: LogEntry[];
  logBytesLeft: number;
  truncated: boolean;
  peakRss: number;
  killedFor?: { outcome: Outcome; error: InvocationError };
  resolve: (result: InvocationResult) => void;
  timer: NodeJS.Timeout;
  watchdog: NodeJS.Timeout;
}

/**
 * A pre-spawned Node child running dist/child-entry.cjs under the permission model: reads only
 * inside the build folder and its own entry files, no child processes, no workers, no writes.
 * It enforces the wall clock (SIGKILL) and resident memory (watchdog polling /proc) from outside, and talks to it
 * in capped frames on fd 3 (frames.ts): a runner that sends an oversized, malformed or unexpected message is killed.
 */
class ProcessRunner implements Runner {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private bound: RunnerSpec | undefined;
  private started = false;
  private failStart: (error: Error) => void = () => undefined;
  private readonly exited: Promise<void>;
  private readonly exitListeners: Array<() => void> = [];
  private alive = true;
  private clean = true;
  private stderrTail = "";
  private active: ActiveInvocation | undefined;
  private nextId = 1;
  private markReady: () => void = () => undefined;
  /** A spare's: start its replacement once the first call is over. */
  private afterFirstCall: (() => void) | undefined;
  /** Why a runner was stopped before it said it was ready (a protocol violation). */
  private startFailure: string | undefined;
  private readonly reader: FrameReader;

  constructor(
    private readonly launch: Launch,
    entries: RunnerEntries,
  ) {
    this.child = spawn(
      process.execPath,
      [
        "--experimental-permission",
        `--allow-fs-read=${launch.readDir}`,
        `--allow-fs-read=${entries.entry}`,
        `--allow-fs-read=${entries.preload}`,
        "--disable-warning=ExperimentalWarning",
        // A spare reads its build through a link: a module's path stays under the link (the permission model checks
        // the path as given, and would refuse the folder's real path). The same for every runner, so that a build
        // resolves its modules the same way whichever runner serves it.
        "--preserve-symlinks",
        `--max-old-space-size=${launch.heapMb}`,
        "--require",
        entries.preload,
        entries.entry,
        launch.buildDir,
        launch.hubspotApiBaseUrl,
        launch.allowPrivateNetwork ? "allow-private-network" : "public-network-only",
      ],
      // An empty environment: each invocation sets exactly its own secrets over the channel (fd 3).
      {
        stdio: ["ignore", "pipe", "pipe", "pipe"],
        env: {},
        ...(launch.identity ?? {}),
      },
    );
    this.channel = this.child.stdio[3] as Socket;

    this.ready = new Promise<void>((resolve, reject) => {
      this.failStart = reject;
      this.markReady = resolve;
    });
    // Nobody may be waiting on `ready` yet (a warm spare); the failure is reported on first use.
    this.ready.catch(() => undefined);

    const reader = (this.reader = new FrameReader(
      () => ({ header: HEADER_BYTES, body: this.active ? Math.max(this.active.limits.payloadBytes, this.active.limits.logBytes) : 0 }),
      (header, body) => this.onMessage(header, body),
      (reason) => this.violation(reason),
    ));
    this.channel.on("data", (chunk: Buffer) => reader.push(chunk));
    // The child's end of the pipe closing is seen through the process's own exit.
    this.channel.on("error", () => undefined);
    this.child.stdout!.on("data", (chunk: Buffer) => this.onOutput("log", chunk));
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4096);
      this.onOutput("error", chunk);
    });
    this.exited = new Promise((resolve) => {
      const onEnd = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (!this.alive) return;
        this.alive = false;
        this.clean = false;
        if (launch.slot) rmSync(launch.slot, { recursive: true, force: true });
        if (!this.started) {
          const detail = this.startFailure ?? spawnError?.message ?? (this.stderrTail.trim() || `exit code ${code}, signal ${signal}`);
          const what = this.bound ? `build ${this.bound.buildKey}` : "a spare";
          this.failStart(new RuntimeError("RUNNER_START_FAILED", `Runner for ${what} failed to start: ${detail}`));
        }
        this.settleOnExit(code, signal);
        this.firstCallOver();
        resolve();
        for (const listener of this.exitListeners) listener();
      };
      this.child.on("close", (code, signal) => onEnd(code, signal));
      this.child.on("error", (error) => onEnd(null, null, error));
    });
  }

  /** A path in the build folder as this runner reads it: through its link for a spare. */
  private seen(file: string): string {
    return this.launch.buildDir + file.slice(this.spec.bundleDir.length);
  }

  /** What the runner says about its files, in the build folder's own path (stacks are mapped from it). */
  private told(text: string): string {
    return this.launch.slot ? text.replaceAll(this.launch.buildDir, this.spec.bundleDir) : text;
  }

  get spec(): RunnerSpec {
    if (!this.bound) throw new Error("A spare runner serves no build yet");
    return this.bound;
  }

  /**
   * Gives the runner its build, once: a spare's link now points at the build folder, and it takes `identity` (the
   * account's user) before it says it is ready. Frames written before the child reads are kept in the pipe.
   */
  bind(spec: RunnerSpec, identity: RunnerIdentity | undefined, afterFirstCall?: () => void): void {
    if (this.bound) throw new Error("bind() on a runner that serves a build already");
    this.bound = spec;
    this.afterFirstCall = afterFirstCall;
    if (!this.alive) return;
    if (this.launch.slot) symlinkSync(spec.bundleDir, this.launch.buildDir);
    const message: BindMessage = { type: "bind", ...(identity ? { identity } : {}) };
    this.channel.write(encodeFrame(message), () => undefined);
  }

  get reusable(): boolean {
    return this.alive && this.clean;
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  async invoke(invocation: RunnerInvocation): Promise<InvocationResult> {
    await this.ready;
    if (!this.reusable || this.active) throw new Error("invoke() on a runner that is busy or finished");
    const pid = this.child.pid!;
    resetPeakMemory(pid);
    const { limits } = invocation;
    const message: InvokeMessage = {
      type: "invoke",
      id: this.nextId++,
      functionName: invocation.functionName,
      file: this.seen(invocation.file),
      env: invocation.env,
      context: invocation.context,
      traceparent: invocation.traceparent,
      logBytes: limits.logBytes,
      payloadBytes: limits.payloadBytes,
      reloadModule: invocation.reloadModule,
    };
    return new Promise<InvocationResult>((resolve) => {
      const active: ActiveInvocation = {
        id: message.id,
        limits,
        started: performance.now(),
        logs: [],
        logBytesLeft: limits.logBytes,
        truncated: false,
        peakRss: 0,
        resolve,
        timer: setTimeout(
          () =>
            this.kill(active, "TIMEOUT", {
              type: "TIMEOUT",
              message: `Task timed out after ${(limits.timeoutMs / 1000).toFixed(2)} seconds`,
            }),
          limits.timeoutMs,
        ),
        watchdog: setInterval(() => this.watchMemory(active), WATCHDOG_INTERVAL_MS),
      };
      this.active = active;
      awaiting.add(this);
      setImmediate(this.pickUpAnswer);
      this.channel.write(encodeFrame(message), (error) => {
        if (error) this.kill(active, "CRASHED", { type: "CRASHED", message: `Lost the runner's channel: ${error.message}` });
      });
    });
  }

  /**
   * Reads the runner's answer at the end of the event-loop turn that sent the call, when it is already there. The
   * channel's own reads happen only in the poll phase of the next turn: a busy node (200 clients) spends about 200 ms
   * per turn, so every call held its runner, and its client, for a whole extra turn, where a CRM read takes one. A
   * cheap function has answered long before the turn's other requests are done, and this setImmediate (the check
   * phase, right after them) finds its frame; otherwise the read fails with EAGAIN (the socket is non-blocking) and the
   * poll phase reads it as before. Both readers feed the same FrameReader, on the one thread, so the order is kept.
   */
  readonly pickUpAnswer = (): void => {
    while (this.active && this.alive) {
      // Looked up each time: a closed channel's descriptor number may already belong to another socket.
      const fd = this.channel.destroyed ? undefined : (this.channel as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
      if (typeof fd !== "number" || fd < 0) return;
      let read: number;
      try {
        read = readSync(fd, PICK_UP_BUFFER);
      } catch {
        return; // EAGAIN: not answered yet. Anything else: the channel's own handlers see it.
      }
      // End of stream: the exit handler reports it.
      if (read === 0) return;
      this.reader.push(Buffer.from(PICK_UP_BUFFER.subarray(0, read)));
    }
  };

  async close(): Promise<void> {
    if (this.active) this.kill(this.active, "CRASHED", { type: "CRASHED", message: "The runner was shut down" });
    else if (this.alive) this.child.kill("SIGKILL");
    await this.exited;
  }

  private kill(active: ActiveInvocation, outcome: Outcome, error: InvocationError): void {
    if (this.active !== active || active.killedFor) return;
    active.killedFor = { outcome, error };
    this.clean = false;
    this.child.kill("SIGKILL");
  }

  private watchMemory(active: ActiveInvocation): void {
    const memory = readResidentMemory(this.child.pid!);
    if (!memory || this.active !== active) return;
    active.peakRss = Math.max(active.peakRss, memory.rss, memory.peak);
    if (memory.rss > active.limits.rssMb * MB) {
      this.kill(active, "OUT_OF_MEMORY", {
        type: "OUT_OF_MEMORY",
        message: `The function used ${Math.round(memory.rss / MB)} MB of resident memory, over the ${active.limits.rssMb} MB limit`,
      });
    }
  }

  private addLog(active: ActiveInvocation, level: LogLevel, message: string, ts: number): void {
    if (active.logBytesLeft <= 0) {
      active.truncated = true;
      return;
    }
    const bytes = Buffer.byteLength(message);
    if (bytes > active.logBytesLeft) {
      message = Buffer.from(message).subarray(0, active.logBytesLeft).toString();
      active.truncated = true;
    }
    active.logBytesLeft -= Math.min(bytes, active.logBytesLeft);
    active.logs.push({ level, message: this.told(message), ts });
  }

  /** Raw writes to stdout/stderr (outside console.*) count as `log`/`error` lines of the current invocation. */
  private onOutput(level: LogLevel, chunk: Buffer): void {
    if (this.active) this.addLog(this.active, level, chunk.toString().replace(/\n$/, ""), Date.now());
  }

  /** The runner broke the protocol (frames.ts, child-protocol.ts): it is stopped, and its invocation says why. */
  private violation(reason: string): void {
    this.clean = false;
    this.channel.destroy();
    const message = `The function's runner sent ${reason} and was stopped`;
    if (this.active) this.kill(this.active, "CRASHED", { type: "CRASHED", message });
    else if (this.alive) {
      if (!this.started) this.startFailure = message;
      this.child.kill("SIGKILL");
    }
  }

  private onMessage(header: unknown, body: Buffer): void {
    if (typeof header !== "object" || header === null) return this.violation("a message that is not an object");
    const message = header as ChildMessage;
    const active = this.active;
    if (message.type === "ready") {
      if (this.started) return this.violation("a second ready message");
      this.started = true;
      this.markReady();
      return;
    }
    if (message.type === "fault") {
      // Something the function left behind failed after its invocation: never reuse this process.
      this.clean = false;
      if (!active && this.alive) this.child.kill("SIGKILL");
      return;
    }
    if (message.type !== "log" && message.type !== "result") {
      return this.violation(`a message of unknown type ${JSON.stringify(String((header as { type?: unknown }).type)).slice(0, 40)}`);
    }
    if (!active || message.id !== active.id) return this.violation(`a ${message.type} message for no running invocation`);
    if (active.killedFor) return;
    if (message.type === "log") {
      const level = LOG_LEVELS.has(message.level) ? message.level : "log";
      // Only what the log budget can still take is decoded.
      this.addLog(active, level, body.subarray(0, Math.max(0, active.logBytesLeft) + 1).toString(), Number(message.ts) || Date.now());
      return;
    }
    if (!RESULT_OUTCOMES.has(message.outcome))
      return this.violation(`a result with unknown outcome ${JSON.stringify(String(message.outcome)).slice(0, 40)}`);
    if (message.tainted || message.outcome !== "SUCCESS") this.clean = false;
    if (message.truncated) active.truncated = true;
    const base = { outcome: message.outcome, truncated: active.truncated };
    if (message.outcome !== "SUCCESS") {
      const error = invocationError(message.error, message.outcome);
      error.message = this.told(error.message);
      if (error.stack !== undefined) error.stack = this.told(error.stack);
      this.finish(active, { ...base, error });
      return;
    }
    let value: unknown;
    try {
      if (body.length > active.limits.payloadBytes) throw new Error("over the payload limit");
      value = JSON.parse(body.toString());
    } catch (error) {
      this.clean = false;
      this.finish(active, {
        outcome: "INVALID_RESPONSE",
        truncated: active.truncated,
        error: { type: "INVALID_RESPONSE", message: `The runner sent an unusable result: ${(error as Error).message}` },
      });
      return;
    }
    this.finish(active, { ...base, value });
  }

  private firstCallOver(): void {
    const callback = this.afterFirstCall;
    this.afterFirstCall = undefined;
    callback?.();
  }

  private finish(active: ActiveInvocation, result: Pick<InvocationResult, "outcome" | "truncated" | "value" | "error">): void {
    if (this.active !== active) return;
    this.active = undefined;
    awaiting.delete(this);
    // After the result has gone back (below), not before: a process start takes a core for a while.
    setImmediate(() => this.firstCallOver());
    clearTimeout(active.timer);
    clearInterval(active.watchdog);
    const durationMs = performance.now() - active.started;
    if (this.alive) {
      const memory = readResidentMemory(this.child.pid!);
      if (memory) active.peakRss = Math.max(active.peakRss, memory.peak);
    }
    active.resolve({
      ...result,
      durationMs: Math.round(durationMs * 1000) / 1000,
      peakRssBytes: active.peakRss,
      logs: active.logs,
      coldStart: false,
    });
  }

  private settleOnExit(code: number | null, signal: NodeJS.Signals | null): void {
    const active = this.active;
    if (!active) return;
    let killed = active.killedFor;
    if (!killed && /JavaScript heap out of memory/.test(this.stderrTail)) {
      killed = {
        outcome: "OUT_OF_MEMORY",
        error: { type: "OUT_OF_MEMORY", message: `JavaScript heap out of memory (limit ${this.spec.heapMb} MB)` },
      };
    }
    killed ??= {
      outcome: "CRASHED",
      error: {
        type: "CRASHED",
        message: signal ? `The function's process was killed by signal ${signal}` : `The function's process exited with code ${code}`,
      },
    };
    this.finish(active, { outcome: killed.outcome, error: killed.error, truncated: active.truncated });
  }
}

/** The error a runner reported, reduced to string fields (it comes from untrusted code). */
function invocationError(value: unknown, outcome: string): InvocationError {
  const error = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const text = (field: unknown) => (typeof field === "string" ? field : undefined);
  const described: InvocationError = { type: text(error.type) ?? outcome, message: text(error.message) ?? outcome };
  const stack = text(error.stack);
  const code = text(error.code);
  if (stack !== undefined) described.stack = stack;
  if (code !== undefined) described.code = code;
  return described;
}
