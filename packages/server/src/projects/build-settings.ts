import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { BuildIdentity } from "@sprocket/builder";
import type { ServerConfig } from "../config";

export interface BuildSettings {
  /** Installed npm dependencies, shared by every build of every project (content-addressed by the builder). */
  depsCacheDir: string;
  /** Scratch space for builds; this process owns it, so it is emptied at start. */
  workDir: string;
  /** Job lease: after a crash, another start picks up the job once this has passed. */
  jobLeaseMs: number;
  jobPollMs: number;
  /** Who builds and npm installs run as (see ServerConfig.buildIdentity). */
  runAs: BuildIdentity | undefined;
}

/**
 * Paths under the data dir; SPROCKET_DEPS_CACHE_DIR (config.builds.depsCacheDir) lets several servers (or test runs)
 * share one warm cache. When builds run under their own identity (the server is root), the data dir is closed to them
 * (0700), so their scratch space and the dependency cache live in a folder of their own under the system's temporary
 * folder instead.
 */
export function buildSettings(config: ServerConfig): BuildSettings {
  const base = config.buildIdentity
    ? path.join(os.tmpdir(), `sprocket-build-${crypto.createHash("sha256").update(config.dataDir).digest("hex").slice(0, 12)}`)
    : config.dataDir;
  return {
    depsCacheDir: config.builds.depsCacheDir ?? path.join(base, "cache", "deps"),
    workDir: path.join(base, "work", "builds"),
    runAs: config.buildIdentity,
    jobLeaseMs: config.builds.jobLeaseMs,
    jobPollMs: config.builds.jobPollMs,
  };
}
