import { type ChildProcess, spawn } from "node:child_process";
import { readSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import { type ChildMessage, HEADER_BYTES, type InvokeMessage } from "./child-protocol";
import { encodeFrame, FrameReader } from "./frames";
import type { InvocationError, InvocationResult, LogEntry, LogLevel, Outcome } from "./invocation";
import type { RunnerLimits } from "./limits";
import { readResidentMemory, resetPeakMemory } from "./process-memory";
import type { Runner, RunnerFactory, RunnerInvocation, RunnerSpec } from "./runner";
import type { RunnerEntries } from "./runner-entries";
import { runnerIdentity } from "./runner-identity";
import { RuntimeError } from "./runtime-error";

export interface ProcessRunnerOptions {
  entries: RunnerEntries;
  /** Run each account's runners as its own user (runner-identity.ts; needs root); false keeps the parent's identity. */
  separateAccounts: boolean;
}

const WATCHDOG_INTERVAL_MS = 50;
const LOG_LEVELS = new Set<LogLevel>(["log", "info", "warn", "error", "debug"]);
const MB = 1024 * 1024;
/** Scratch space for pickUpAnswer's reads; what is read is copied out, so one buffer serves every runner. */
const PICK_UP_BUFFER = Buffer.allocUnsafe(64 * 1024);
const RESULT_OUTCOMES = new Set(["SUCCESS", "ERROR", "INVALID_RESPONSE", "INVALID_FUNCTION"]);

export function processRunnerFactory(options: ProcessRunnerOptions): RunnerFactory {
  return (spec) => new ProcessRunner(spec, options);
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
  /** Why a runner was stopped before it said it was ready (a protocol violation). */
  private startFailure: string | undefined;
  private readonly reader: FrameReader;

  constructor(
    readonly spec: RunnerSpec,
    options: ProcessRunnerOptions,
  ) {
    const { entries, separateAccounts } = options;
    this.child = spawn(
      process.execPath,
      [
        "--experimental-permission",
        `--allow-fs-read=${spec.bundleDir}`,
        `--allow-fs-read=${entries.entry}`,
        `--allow-fs-read=${entries.preload}`,
        "--disable-warning=ExperimentalWarning",
        `--max-old-space-size=${spec.heapMb}`,
        "--require",
        entries.preload,
        entries.entry,
        spec.bundleDir,
        spec.hubspotApiBaseUrl,
        spec.allowPrivateNetwork ? "allow-private-network" : "public-network-only",
      ],
      // An empty environment: each invocation sets exactly its own secrets over the channel (fd 3).
      {
        stdio: ["ignore", "pipe", "pipe", "pipe"],
        env: {},
        ...(separateAccounts ? runnerIdentity(spec.accountId) : {}),
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
        if (!this.started) {
          const detail = this.startFailure ?? spawnError?.message ?? (this.stderrTail.trim() || `exit code ${code}, signal ${signal}`);
          this.failStart(new RuntimeError("RUNNER_START_FAILED", `Runner for build ${spec.buildKey} failed to start: ${detail}`));
        }
        this.settleOnExit(code, signal);
        resolve();
        for (const listener of this.exitListeners) listener();
      };
      this.child.on("close", (code, signal) => onEnd(code, signal));
      this.child.on("error", (error) => onEnd(null, null, error));
    });
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
      file: invocation.file,
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
  private readonly pickUpAnswer = (): void => {
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
    active.logs.push({ level, message, ts });
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
      this.finish(active, { ...base, error: invocationError(message.error, message.outcome) });
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

  private finish(active: ActiveInvocation, result: Pick<InvocationResult, "outcome" | "truncated" | "value" | "error">): void {
    if (this.active !== active) return;
    this.active = undefined;
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
