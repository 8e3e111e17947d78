import type { Platform } from "../platform";
import type { DeployNotice } from "../cluster/cluster-events";
import { appComponents } from "../apps/app-queries";
import { findAppFunction, runnerBuildKey } from "./app-function";

/**
 * The functions domain's part when an app's live build changes, on whichever node the deploy ran. Invocations already
 * read the active build from the database, so correctness does not wait for this; it frees the old build's runners at
 * once instead of at the next call and starts a runner of the new build, so the first call after a deploy is warm on
 * every node. Resolves to the way to stop.
 */
export function followDeploysForRunners(p: Platform): Promise<() => void> {
  return p.cluster.onDeploy((notice) => void applyDeploy(p, notice).catch((err: unknown) => p.log.warn({ err, ...notice }, "could not apply a deploy notice")));
}

async function applyDeploy(p: Platform, n: DeployNotice): Promise<void> {
  const pool = p.functions.runners;
  if (!pool.ready) return;
  if (n.previousBuildId !== null && n.previousBuildId !== n.buildId) await pool.evict(runnerBuildKey(n.accountId, n.appId, n.previousBuildId));
  if (n.buildId === null) return;
  const fn = (await appComponents(p.store.db, n.appId)).find((c) => c.kind === "function");
  if (!fn) return;
  // Resolved exactly as an invocation resolves it, so the warm runner is the one the next call gets.
  const target = await findAppFunction(p.store.db, n.accountId, n.appId, fn.name);
  if (target.buildId !== n.buildId) return;
  await pool.prewarm(runnerBuildKey(n.accountId, n.appId, n.buildId), await p.functions.files.appFunctionDir(n.accountId, n.buildId, target.bundles), n.accountId);
}
