import type { Platform } from "../platform";
import type { DeployNotice } from "../cluster/cluster-events";
import { appComponents } from "../apps/app-queries";
import { findAppFunction, runnerBuildKey } from "./app-function";
import { DomainError } from "../errors/domain-error";

type AppBuild = { accountId: number; appId: number; buildId: number };

/**
 * The functions domain's part when an app's live build changes, on whichever node the deploy ran. Invocations already
 * read the active build from the database, so correctness does not wait for this; it retires the old build (its
 * runners and its unpacked folder) at once instead of after the idle time, and starts a runner of the new build, so
 * the first call after a deploy is warm on every node. Deleted apps are announced the same way, with no new build
 * (apps/provision.ts, appsRemoved). Resolves to the way to stop.
 */
export function followDeploysForRunners(p: Platform): Promise<() => void> {
  return p.cluster.onDeploy(
    (notice) => void applyDeploy(p, notice).catch((err: unknown) => p.log.warn({ err, ...notice }, "could not apply a deploy notice")),
  );
}

async function applyDeploy(p: Platform, n: DeployNotice): Promise<void> {
  // The old build's busy runners may take up to a function timeout to finish: the new build warms meanwhile.
  const retiring =
    n.previousBuildId !== null && n.previousBuildId !== n.buildId
      ? retireBuild(p, { accountId: n.accountId, appId: n.appId, buildId: n.previousBuildId })
      : undefined;
  await Promise.all([retiring, prewarm(p, n)]);
}

/** Stops this node's runners of an app build that is no longer live (busy ones after their call), then removes its folder. */
async function retireBuild(p: Platform, build: AppBuild): Promise<void> {
  await p.functions.runners.evict(runnerBuildKey(build.accountId, build.appId, build.buildId));
  await p.functions.files.remove(build);
}

async function prewarm(p: Platform, n: DeployNotice): Promise<void> {
  const pool = p.functions.runners;
  if (!pool.ready || n.buildId === null) return;
  const fn = (await appComponents(p.store.db, n.appId)).find((c) => c.kind === "function");
  if (!fn) return;
  // Resolved exactly as an invocation resolves it, so the warm runner is the one the next call gets. An OAuth app
  // runs nowhere in its developer account unless installed there too: nothing to warm then.
  const target = await findAppFunction(p.store.db, n.accountId, n.appId, fn.name).catch((err: unknown) => {
    if (err instanceof DomainError && err.kind === "not_found") return undefined;
    throw err;
  });
  if (target?.buildId !== n.buildId) return;
  await pool.prewarm(runnerBuildKey(n.accountId, n.appId, n.buildId), await p.functions.files.appFunctionDir(target), n.accountId);
}
