import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

import type { TestHooks } from "../../src/config";
import { TEST_PASSWORD_HASH_COST } from "./password-cost";

const CLI = path.resolve(import.meta.dirname, "../../../cli/bin/sprocket.js");
const WITH_HOOKS = path.resolve(import.meta.dirname, "server-with-hooks.js");

/** A free loopback port, picked by the OS and released for the child to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The real `sprocket server start` as a child process, ready when it has printed its banner and /healthz answers; with
 * test hooks, the same start through server-with-hooks.js (no flag or setting of the CLI can turn a hook on).
 */
export async function spawnServer(opts: {
  port: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  testHooks?: TestHooks;
}): Promise<ServerProcess> {
  const args = opts.testHooks
    ? [WITH_HOOKS, String(opts.port), opts.dataDir, JSON.stringify(opts.testHooks)]
    : [CLI, "server", "start", "--port", String(opts.port), "--data-dir", opts.dataDir];
  const child = spawn(process.execPath, args, {
    // The endpoint listener takes a free port too: port + 1 (its default) may be the next server's, as free ports go.
    // No spare runners unless asked, cheap password hashes: see test-server.ts.
    env: {
      ...process.env,
      SPROCKET_FUNCTIONS_PORT: "0",
      SPROCKET_FUNCTION_SPARE_RUNNERS: "0",
      SPROCKET_PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${opts.port}`;
  // A hang guard, not a timing check: nodes racing the first-start set-up took 23 s at load 8–28 and over 60 s at 33–36.
  const until = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
    // The banner comes after the first-start bootstrap (account and key) is written.
    const up =
      out.includes("Sprocket is running") &&
      (await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
    if (up) break;
    if (Date.now() > until) throw new Error(`the server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    output: () => out,
    async waitForOutput(text, timeoutMs = 120_000) {
      const end = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (child.exitCode !== null || Date.now() > end) throw new Error(`"${text}" never appeared: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal) {
      child.kill(signal);
      await exited;
    },
  };
}

export const bootstrapKey = (dataDir: string): string =>
  (JSON.parse(fs.readFileSync(path.join(dataDir, "bootstrap.json"), "utf8")) as { personalAccessKey: string }).personalAccessKey;
