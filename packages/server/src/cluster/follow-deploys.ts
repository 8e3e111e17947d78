import type { Platform } from "../platform";
import { forgetCachedTokens } from "../apps/app-tokens";
import { appComponents } from "../apps/app-queries";
import { findAppFunction, runnerBuildKey } from "../functions/app-function";
import { appFunctionDir } from "../functions/build-files";
import { retireBuild } from "../functions/retire-runners";
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
  // The old build's busy runners may take up to a function timeout to finish: the new build warms meanwhile.
  const retiring = n.previousBuildId !== null && n.previousBuildId !== n.buildId ? retireBuild(p, { ...n, buildId: n.previousBuildId }) : undefined;
  await Promise.all([retiring, prewarm(p, n)]);
}

async function prewarm(p: Platform, n: DeployNotice): Promise<void> {
  const pool = p.functions;
  if (!pool || n.buildId === null) return;
  const fn = (await appComponents(p.store.db, n.appId)).find((c) => c.kind === "function");
  if (!fn) return;
  // Resolved exactly as an invocation resolves it, so the warm runner is the one the next call gets.
  const target = await findAppFunction(p.store.db, n.accountId, n.appId, fn.name);
  if (target.buildId !== n.buildId) return;
  await pool.prewarm(runnerBuildKey(n.accountId, n.appId, n.buildId), await appFunctionDir(p, target), n.accountId);
}
