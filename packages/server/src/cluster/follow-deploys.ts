import type { Platform } from "../platform";
import { forgetCachedTokens } from "../apps/app-tokens";
import { appComponents } from "../apps/app-queries";
import { findAppFunction, runnerBuildKey } from "../functions/app-function";
import { appFunctionDir } from "../functions/build-files";
import type { DeployNotice } from "./cluster-events";

/**
 * What a node does when it hears of a deploy, on whichever node it ran. Requests already read the active build from
 * the database, so correctness does not wait for this; it frees the old build's runners at once instead of at the next
 * call, drops cached token answers (a deploy can create or remove apps) and starts a runner of the new build, so the
 * first call after a deploy is warm on every node.
 */
export function followDeploys(p: Platform, log: { warn(obj: object, msg: string): void }): Promise<() => void> {
  return p.cluster.onDeploy((notice) => void applyDeploy(p, notice).catch((err: unknown) => log.warn({ err, ...notice }, "could not apply a deploy notice")));
}

async function applyDeploy(p: Platform, n: DeployNotice): Promise<void> {
  forgetCachedTokens();
  const pool = p.functions;
  if (!pool) return;
  if (n.previousBuildId !== null && n.previousBuildId !== n.buildId) await pool.evict(runnerBuildKey(n.accountId, n.appId, n.previousBuildId));
  if (n.buildId === null) return;
  const fn = (await appComponents(p.store.db, n.appId)).find((c) => c.kind === "function");
  if (!fn) return;
  // Resolved exactly as an invocation resolves it, so the warm runner is the one the next call gets.
  const target = await findAppFunction(p.store.db, n.accountId, n.appId, fn.name);
  if (target.buildId !== n.buildId) return;
  await pool.prewarm(runnerBuildKey(n.accountId, n.appId, n.buildId), await appFunctionDir(p, n.accountId, n.buildId, target.bundles), n.accountId);
}
