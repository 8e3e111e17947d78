import type { Platform } from "../../src/platform";
import { provisionApps, type DeployedApp } from "../../src/apps/provision";
import { revealAppToken } from "../../src/apps/app-tokens";

let nextProject = 1_000_000;

/** Provisions a private app the way a deploy does and returns its id and live token. */
export async function createTestApp(
  p: Platform,
  accountId: number,
  opts: { uid?: string; scopes: string[]; projectId?: number; app?: Partial<DeployedApp> },
): Promise<{ appId: number; token: string; projectId: number }> {
  const uid = opts.uid ?? `test-app-${Math.random().toString(36).slice(2, 10)}`;
  const projectId = opts.projectId ?? nextProject++;
  const app: DeployedApp = { uid, name: uid, description: "", scopes: opts.scopes, cards: [], functions: [], ...opts.app };
  const { appIds } = await p.store.db
    .transaction()
    .execute((trx) => provisionApps(trx, p, { accountId, projectId, buildId: 1, apps: [app] }));
  const appId = appIds[uid]!;
  return { appId, token: (await revealAppToken(p, appId))!, projectId };
}
