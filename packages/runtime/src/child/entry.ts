/**
 * The runner's main script (compiled to dist/child-entry.cjs; see runner-entries.ts).
 * It loads one build's function files, runs one invocation at a time on request over its frame channel (fd 3,
 * frames.ts), and streams console output back with levels. Everything it sends is capped here first so a chatty
 * function does not flood the channel; the parent caps again because this process runs untrusted code.
 */
import net from "node:net";
import path from "node:path";
import { format } from "node:util";
import { callMain, describeError, serialiseResult } from "../call-main";
import { type BindMessage, type ChildMessage, ERROR_TEXT_BYTES, type InvokeMessage } from "../child-protocol";
import { encodeFrame, FrameReader } from "../frames";
import type { InvocationError, LogLevel } from "../invocation";

// The preload is already in require.cache: this returns the instance that guards the network and patched http/fetch.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same CommonJS instance, not a new ES module
const preload = require(path.join(__dirname, "preload.cjs")) as typeof import("./preload");

const [bundleDir, hubspotApiBaseUrl, network] = process.argv.slice(2) as [string, string, string];
preload.configureNetwork({ apiBaseUrl: hubspotApiBaseUrl, allowPrivateNetwork: network === "allow-private-network" });
preload.configureRouting(hubspotApiBaseUrl);

const channel = new net.Socket({ fd: 3, readable: true, writable: true });
/**
 * The parent died or let go (even by SIGKILL): a runner has no one left to answer. Nothing is sent after that: a
 * failed send would raise an error the fault handler below would report with another send, and so on (an orphaned
 * runner once spun at full CPU that way).
 */
const leave = () => process.exit(0);
channel.on("end", leave);
channel.on("close", leave);
channel.on("error", leave);

function cut(text: string | undefined): string | undefined {
  if (text === undefined || Buffer.byteLength(text) <= ERROR_TEXT_BYTES) return text;
  return `${Buffer.from(text).subarray(0, ERROR_TEXT_BYTES).toString()}… (cut)`;
}

/** Sends a message; a log's text or a result's JSON goes as the frame's body. */
const send = (message: ChildMessage, body?: string): void => {
  if (channel.destroyed || !channel.writable) return;
  if ("error" in message && message.error) {
    const { type, message: text, stack, code } = message.error;
    message = { ...message, error: { type: cut(type)!, message: cut(text)!, stack: cut(stack), code: cut(code) } };
  }
  channel.write(encodeFrame(message, body));
};

interface Current {
  id: number;
  logBytesLeft: number;
  truncated: boolean;
  tainted: boolean;
  finish: (message: Extract<ChildMessage, { type: "result" }>, json?: string) => void;
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
  send({ type: "log", id: current.id, level, ts: Date.now() }, message);
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

/**
 * The child's environment is its function's interface (HubSpot functions read secrets from `process.env`): the parent
 * sends it with each invocation (invoke-request.ts) and it replaces whatever was there.
 */
function setEnv(env: Record<string, string>): void {
  /* eslint-disable no-restricted-properties -- the function's own process.env, not a setting of ours */
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  /* eslint-enable no-restricted-properties */
}

async function invoke(message: InvokeMessage): Promise<void> {
  let done = false;
  const state: Current = {
    id: message.id,
    logBytesLeft: message.logBytes,
    truncated: false,
    tainted: false,
    finish: (result, json) => {
      if (done) return;
      done = true;
      current = undefined;
      preload.setTraceparent(undefined);
      setEnv({});
      send({ ...result, truncated: result.truncated || state.truncated, tainted: result.tainted || state.tainted }, json);
    },
  };
  current = state;
  setEnv(message.env);
  preload.setTraceparent(message.traceparent);

  const envKey = JSON.stringify(message.env);
  if (message.reloadModule || (loadedWith.has(message.file) && loadedWith.get(message.file) !== envKey)) {
    forgetBuildModules();
  }
  const label = `function ${message.functionName} (${path.relative(bundleDir, message.file)})`;
  let main: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- functions are CommonJS, loaded (and reloaded) through require.cache
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
    state.finish({
      type: "result",
      id: message.id,
      outcome: "ERROR",
      error: describeError(settlement.error),
      truncated: false,
      tainted: false,
    });
    return;
  }
  const serialised = serialiseResult(settlement.value, message.payloadBytes);
  if (serialised.ok) {
    state.finish({ type: "result", id: message.id, outcome: "SUCCESS", truncated: false, tainted: false }, serialised.json);
    return;
  }
  state.finish({
    type: "result",
    id: message.id,
    outcome: "INVALID_RESPONSE",
    error: { type: "INVALID_RESPONSE", message: serialised.message },
    truncated: false,
    tainted: false,
  });
}

let bound = false;

/**
 * The parent names what this runner serves. A spare started as root (so that it can serve any account) takes the
 * account's user here, for good (setuid as root sets the real, effective and saved ids), before any function code
 * is loaded; if the ids are not exactly the account's afterwards, it exits rather than run code as anyone else.
 */
function bind(message: BindMessage): void {
  if (bound) return leave();
  bound = true;
  const identity = message.identity;
  if (identity) {
    try {
      process.setgroups!([]);
      process.setgid!(identity.gid);
      process.setuid!(identity.uid);
    } catch {
      process.exit(1);
    }
    const ids = [process.getuid!(), process.geteuid!()];
    const groups = [process.getgid!(), process.getegid!(), ...process.getgroups!()];
    if (ids.some((id) => id !== identity.uid) || groups.some((id) => id !== identity.gid)) process.exit(1);
  }
  send({ type: "ready" });
}

// The parent is trusted: its frames need no caps.
const fromParent = new FrameReader(
  () => ({ header: Infinity, body: Infinity }),
  (message) => {
    const type = (message as { type?: unknown }).type;
    if (type === "bind") bind(message as BindMessage);
    else if (type === "invoke" && bound) void invoke(message as InvokeMessage);
    else leave();
  },
  leave,
);
channel.on("data", (chunk: Buffer) => fromParent.push(chunk));
setEnv({});
