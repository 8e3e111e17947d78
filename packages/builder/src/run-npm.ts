import { spawn } from "node:child_process";
import { join } from "node:path";
import type { BuildIdentity } from "./build-sandbox";

export const NPM_FLAGS = [
  "--omit=dev",
  "--ignore-scripts",
  "--no-audit",
  "--no-fund",
  "--no-update-notifier",
  "--no-progress",
  "--loglevel=error",
];
// npm passes its own settings to child processes as npm_config_*; a build started under `npm start` must not inherit
// e.g. `workspace` or `global`. Only the settings that say how to reach the registry go through.
const KEPT_NPM_CONFIG = new Set(["registry", "cache", "userconfig", "proxy", "https_proxy", "noproxy", "cafile", "strict_ssl"]);
const OUTPUT_LIMIT = 64 * 1024;

export interface NpmRun {
  command: string;
  args: string[];
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  runAs?: BuildIdentity | undefined;
  /** npm's HOME (its cache and config) when it runs as the build identity. */
  home?: string | undefined;
}

/** How npm ended: `failed` says why in the words of a message ("failed with exit code 1"); output is its last 64 KB. */
export type NpmResult = { ok: true } | { ok: false; failed: string; output: string };

/** Runs npm once. Rejects only when the signal aborts (with its reason); npm's own failures are results. */
export function runNpm(run: NpmRun): Promise<NpmResult> {
  return new Promise((resolve, reject) => {
    const env = run.home ? { ...npmEnvironment(), HOME: run.home, npm_config_cache: join(run.home, "cache") } : npmEnvironment();
    const { signal, runAs } = run;
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      ...(signal ? { signal, killSignal: "SIGKILL" as const } : {}),
    });
    // npm's reason comes first and its usage text after it: keep the head, and the tail once that is too long.
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > OUTPUT_LIMIT * 2) output = output.slice(0, OUTPUT_LIMIT) + output.slice(-OUTPUT_LIMIT);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), run.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      if (signal?.aborted) reject(signal.reason);
      else resolve({ ok: false, failed: `could not start (${error.message})`, output });
    });
    child.on("close", (code, killedBy) => {
      clearTimeout(timer);
      if (signal?.aborted) reject(signal.reason);
      else if (code === 0) resolve({ ok: true });
      else if (killedBy === "SIGKILL")
        resolve({ ok: false, failed: `did not finish within ${Math.round(run.timeoutMs / 1000)} s`, output });
      else resolve({ ok: false, failed: `failed with exit code ${code}`, output });
    });
  });
}

function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // eslint-disable-next-line no-restricted-properties -- the child's own protocol, not a setting of ours
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith("npm_lifecycle_") || lower.startsWith("npm_package_")) continue;
    if (lower.startsWith("npm_config_") && !KEPT_NPM_CONFIG.has(lower.slice("npm_config_".length))) continue;
    env[key] = value;
  }
  return env;
}
