import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import type { RunningServer } from "../../src/index";

/** HubSpot's own CLI, installed as a dev dependency of the repository root. */
export const HS_BIN = fileURLToPath(new URL("../../../../node_modules/.bin/hs", import.meta.url));

export interface HsResult {
  code: number | null;
  /** stdout and stderr together, colours removed: what a person sees. */
  output: string;
}

/**
 * Runs the real `hs` against a server's HTTPS listener, configured only through the environment (`--use-env`), with
 * HOME in a fresh folder so it writes nothing into the real one.
 */
export class HsCli {
  /** Folders this instance made (HOME and project copies), removed by `dispose`. */
  private readonly made: string[] = [];
  private constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly home: string,
  ) {}

  static async for(server: RunningServer): Promise<HsCli> {
    if (!server.https) throw new Error("The server has no HTTPS listener: start it with SPROCKET_HTTPS_PORT.");
    const home = await mkdtemp(path.join(os.tmpdir(), "hs-home-"));
    const { info } = server.bootstrap;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      HUBAPI_DOMAIN_OVERRIDE: `127.0.0.1:${server.https.port}/hs`,
      NODE_EXTRA_CA_CERTS: server.https.certPath,
      HUBSPOT_ACCOUNT_ID: String(info.accountId),
      HUBSPOT_PERSONAL_ACCESS_KEY: info.personalAccessKey,
      ALLOW_USAGE_TRACKING: "false",
      SKIP_HUBSPOT_CLI_AUTO_UPDATES: "1",
      NO_UPDATE_NOTIFIER: "1",
      FORCE_COLOR: "0",
    };
    const hs = new HsCli(env, home);
    hs.made.push(home);
    return hs;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.made.map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** Copies a project folder somewhere writable (fixtures are read-only; watch edits files). */
  async copyProject(from: string): Promise<string> {
    const parent = await mkdtemp(path.join(os.tmpdir(), "hs-project-"));
    this.made.push(parent);
    const dir = path.join(parent, path.basename(from));
    await cp(from, dir, { recursive: true });
    return dir;
  }

  start(args: string[], cwd: string): ChildProcess & { text(): string } {
    const child = spawn(process.execPath, [HS_BIN, ...args, "--use-env"], { cwd, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    return Object.assign(child, { text: () => stripVTControlCharacters(output) });
  }

  async run(args: string[], cwd: string, input?: string): Promise<HsResult> {
    const child = this.start(args, cwd);
    child.stdin!.end(input);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, output: child.text() };
  }
}

/** Resolves once the process's output so far matches `pattern`; rejects if it exits first. */
export function outputMatching(child: ChildProcess & { text(): string }, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      if (pattern.test(child.text())) {
        cleanup();
        resolve(child.text());
      }
    };
    const exited = (code: number | null) => {
      cleanup();
      reject(new Error(`hs exited (${code}) before printing ${pattern}:\n${child.text()}`));
    };
    const cleanup = () => {
      child.stdout!.off("data", look);
      child.stderr!.off("data", look);
      child.off("close", exited);
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.on("close", exited);
    look();
  });
}
