import type { Platform } from "../platform";
import type { JobQueue } from "../jobs/job-queue";
import type { BuildSettings } from "./build-settings";

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the projects domain's use cases share: the platform, the job queue, build paths and a logger. */
export interface ProjectsContext {
  p: Platform;
  queue: JobQueue;
  settings: BuildSettings;
  log: JobLog;
}
