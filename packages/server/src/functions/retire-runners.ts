import fs from "node:fs";
import type { Platform } from "../platform";
import { appBuildDir } from "./build-files";
import { runnerBuildKey } from "./app-function";

interface AppBuild {
  accountId: number;
  appId: number;
  buildId: number;
}

/**
 * Stops this node's runners of an app's build that is no longer live (superseded by a deploy, or its app deleted) and,
 * once they have exited, removes the build's unpacked folder. Busy runners finish their call first.
 */
export async function retireBuild(p: Platform, build: AppBuild): Promise<void> {
  await p.functions?.evict(runnerBuildKey(build.accountId, build.appId, build.buildId));
  fs.rmSync(appBuildDir(p, build), { recursive: true, force: true });
}

/**
 * Deleted apps' runners are retired on every node: the same notice as a deploy that removed the app (no build now),
 * which each node's deploy follower answers by retiring the previous build. The deletion stands whether or not the
 * notice gets out; a runner nobody retires is stopped after the idle time anyway.
 */
export async function retireDeletedApps(
  p: Platform,
  apps: ReadonlyArray<{ accountId: number; appId: number; buildId: number | null }>,
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  const live = apps.filter((a): a is AppBuild => a.buildId !== null);
  await Promise.all(
    live.map((a) => p.cluster.announceDeploy({ accountId: a.accountId, appId: a.appId, buildId: null, previousBuildId: a.buildId })),
  ).catch((err: unknown) => log.warn({ err, appIds: live.map((a) => a.appId) }, "could not announce deleted apps"));
}
