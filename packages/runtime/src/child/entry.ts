/**
 * The runner process's main script (compiled to dist/child-entry.cjs; see runner-entries.ts).
 * It loads one build's function files, runs one invocation at a time on request over IPC,
 * and streams console output back with levels. Everything it sends is capped here first so a
 * chatty function does not flood the channel; the parent caps again because this process runs
 * untrusted code.
 */
import path from "node:path";
import { format } from "node:util";
import { callMain, describeError, serialiseResult } from "../call-main";
import type { ChildMessage, InvokeMessage } from "../child-protocol";
import type { InvocationError, LogLevel } from "../invocation";

// The preload is already in require.cache: this returns the instance that patched http/fetch.
const routing = require(path.join(__dirname, "hubspot-routing.cjs")) as typeof import("./hubspot-routing");

const [bundleDir, hubspotApiBaseUrl] = process.argv.slice(2) as [string, string];
routing.configureRouting(hubspotApiBaseUrl);

const sendOverIpc = process.send!.bind(process) as (message: ChildMessage) => boolean;
/**
 * Nothing is sent once the parent is gone: a send on a closed channel raises an error event, which the fault handler
 * below would report with another send, and so on: an orphaned runner once spun at full CPU that way.
 */
const send = (message: ChildMessage): void => {
  if (process.connected) sendOverIpc(message);
};
// The parent died or let go (even by SIGKILL): a runner has no one left to answer.
process.on("disconnect", () => process.exit(0));

interface Current {
  id: number;
  logBytesLeft: number;
  truncated: boolean;
  tainted: boolean;
  finish: (message: Extract<ChildMessage, { type: "result" }>) => void;
}
let current: Current | undefined;

function capture(level: LogLevel, args: unknown[]): void {
  if (!current || current.logBytesLeft <= 0) {
    if (current) current.truncated = true;
    return;
  }
  let message = format(...args);
  const bytes = Buffer.byteLength(message);
  if (bytes > current.logBytesLeft) {
    message = Buffer.from(message).subarray(0, current.logBytesLeft).toString();
    current.truncated = true;
  }
  current.logBytesLeft -= Math.min(bytes, current.logBytesLeft);
  send({ type: "log", id: current.id, level, message, ts: Date.now() });
}

for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => capture(level, args);
}
console.trace = (...args: unknown[]) => capture("debug", [format(...args), new Error().stack?.replace(/^Error\n/, "\n")]);

function uncaught(prefix: string, reason: unknown): void {
  const error = describeError(reason);
  error.message = `${prefix}: ${error.message}`;
  if (current) {
    current.tainted = true;
    current.finish({ type: "result", id: current.id, outcome: "ERROR", error, truncated: current.truncated, tainted: true });
  } else {
    send({ type: "fault", error });
  }
}
process.on("uncaughtException", (error) => uncaught("Uncaught exception", error));
process.on("unhandledRejection", (reason) => uncaught("Unhandled rejection", reason));

/** Which environment each file was loaded with: module-level code often reads the token once. */
const loadedWith = new Map<string, string>();

function forgetBuildModules(): void {
  const prefix = bundleDir.endsWith(path.sep) ? bundleDir : bundleDir + path.sep;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(prefix)) delete require.cache[key];
  }
  loadedWith.clear();
}

function setEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
}

async function invoke(message: InvokeMessage): Promise<void> {
  let done = false;
  const state: Current = {
    id: message.id,
    logBytesLeft: message.logBytes,
    truncated: false,
    tainted: false,
    finish: (result) => {
      if (done) return;
      done = true;
      current = undefined;
      routing.setTraceparent(undefined);
      setEnv({});
      send({ ...result, truncated: result.truncated || state.truncated, tainted: result.tainted || state.tainted });
    },
  };
  current = state;
  setEnv(message.env);
  routing.setTraceparent(message.traceparent);

  const envKey = JSON.stringify(message.env);
  if (message.reloadModule || (loadedWith.has(message.file) && loadedWith.get(message.file) !== envKey)) {
    forgetBuildModules();
  }
  const label = `function ${message.functionName} (${path.relative(bundleDir, message.file)})`;
  let main: unknown;
  try {
    main = (require(message.file) as { main?: unknown }).main;
    loadedWith.set(message.file, envKey);
  } catch (error) {
    const described: InvocationError = describeError(error);
    described.message = `Could not load ${label}: ${described.message}`;
    if (described.code === "EACCES") {
      described.message += ` (the runner runs as uid ${process.getuid?.()}: the build folder must be readable by it)`;
    }
    state.finish({ type: "result", id: message.id, outcome: "INVALID_FUNCTION", error: described, truncated: false, tainted: true });
    return;
  }
  if (typeof main !== "function") {
    state.finish({
      type: "result",
      id: message.id,
      outcome: "INVALID_FUNCTION",
      error: { type: "INVALID_FUNCTION", message: `The ${label} does not export a main function` },
      truncated: false,
      tainted: false,
    });
    return;
  }

  const settlement = await callMain(main as (...args: unknown[]) => unknown, message.context);
  if (!settlement.ok) {
    state.finish({ type: "result", id: message.id, outcome: "ERROR", error: describeError(settlement.error), truncated: false, tainted: false });
    return;
  }
  const serialised = serialiseResult(settlement.value, message.payloadBytes);
  state.finish(
    serialised.ok
      ? { type: "result", id: message.id, outcome: "SUCCESS", json: serialised.json, truncated: false, tainted: false }
      : {
          type: "result",
          id: message.id,
          outcome: "INVALID_RESPONSE",
          error: { type: "INVALID_RESPONSE", message: serialised.message },
          truncated: false,
          tainted: false,
        },
  );
}

process.on("message", (message: InvokeMessage) => {
  if (message.type === "invoke") void invoke(message);
});
setEnv({});
send({ type: "ready" });
