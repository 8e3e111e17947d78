import { execFile } from "node:child_process";
import path from "node:path";
import { Writable } from "node:stream";
import { run } from "../src/run";
import { streams } from "../src/streams";
import { pc, pcErr } from "../src/terminal";

const BIN = path.resolve(import.meta.dirname, "../bin/sprocket.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `sprocket` binary in a child process. For what only a process shows: exit codes as such, standard
 * input, terminals and pipes, signals, the environment, the binary itself.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/**
 * Runs a command line in this process, through the same entry as the binary (src/run.ts), with `env` set for its
 * duration and what it prints collected: the same exit code, standard output and error as runCli, without the
 * 0.2–0.4 s of CPU a Node start and the CLI's imports cost. Not for commands that read standard input or a terminal.
 * Tests in a file run one at a time, so nothing else writes to the streams or reads the environment meanwhile.
 */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  // runCli's NO_COLOR: the colours are chosen once, when the CLI is imported, from this process's own output.
  if (pc.isColorSupported || pcErr.isColorSupported) throw new Error("runInProcess needs colourless output: unset FORCE_COLOR");
  const saved = { env: Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]])), exitCode: process.exitCode };
  const collect = () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(Buffer.from(chunk)), done()) });
    return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
  };
  const out = collect();
  const err = collect();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  streams.out = out.stream;
  streams.err = err.stream;
  process.exitCode = undefined;
  try {
    const code = await run([process.execPath, BIN, ...args]);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    streams.out = process.stdout;
    streams.err = process.stderr;
    process.exitCode = saved.exitCode;
    for (const name of Object.keys(env)) {
      if (saved.env[name] === undefined) delete process.env[name];
      else process.env[name] = saved.env[name];
    }
  }
}
