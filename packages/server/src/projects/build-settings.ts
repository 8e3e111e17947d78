import path from "node:path";
import type { ServerConfig } from "../config";

export interface BuildSettings {
  /** Installed npm dependencies, shared by every build of every project (content-addressed by the builder). */
  depsCacheDir: string;
  /** Scratch space for builds; this process owns it, so it is emptied at start. */
  workDir: string;
  /** Job lease: after a crash, another start picks up the job once this has passed. */
  jobLeaseMs: number;
  jobPollMs: number;
}

/** Paths under the data dir; SPROCKET_DEPS_CACHE_DIR lets several servers (or test runs) share one warm cache. */
export function buildSettings(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): BuildSettings {
  return {
    depsCacheDir: path.resolve(env.SPROCKET_DEPS_CACHE_DIR ?? path.join(config.dataDir, "cache", "deps")),
    workDir: path.join(config.dataDir, "work", "builds"),
    jobLeaseMs: positive(env.SPROCKET_JOB_LEASE_MS, 15_000),
    jobPollMs: positive(env.SPROCKET_JOB_POLL_MS, 500),
  };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}
