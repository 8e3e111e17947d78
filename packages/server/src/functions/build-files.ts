import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Platform } from "../platform";
import { loadBuildArtifact } from "../projects/build-artifact";
import type { DeployedAppFunction } from "./app-function";

/**
 * Function bundles are unpacked from the build artifact (in the database) into a node-local cache. It lives outside
 * the data dir because runners run as an unprivileged user who must not reach the data dir at all. The cache folder
 * is 0711: a runner can pass through it to its own folder but cannot list the others. A folder is unpacked readable by
 * the server only; the runner pool hands it to its account's runner user when it first serves the build
 * (runtime's runner-identity.ts, giveBuildDir).
 */
export function functionCacheRoot(p: Platform): string {
  const tag = crypto.createHash("sha256").update(p.config.dataDir).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `sprocket-functions-${tag}`);
}

const inflight = new Map<string, Promise<string>>();

type AppBuild = Pick<DeployedAppFunction, "accountId" | "appId" | "buildId">;

/** Where one app's function bundles of one build are unpacked (a project build can hold several apps). */
export const appBuildDir = (p: Platform, b: AppBuild) => path.join(functionCacheRoot(p), `${b.accountId}-${b.appId}-${b.buildId}`);

/** The folder holding one app's function bundles of one build, unpacked once per node. */
export function appFunctionDir(p: Platform, target: AppBuild & { bundles: readonly string[] }): Promise<string> {
  const dir = appBuildDir(p, target);
  if (fs.existsSync(dir)) return Promise.resolve(dir);
  let pending = inflight.get(dir);
  if (!pending) {
    pending = unpack(p, target.accountId, target.buildId, target.bundles, dir).finally(() => inflight.delete(dir));
    inflight.set(dir, pending);
  }
  return pending;
}

async function unpack(p: Platform, accountId: number, buildId: number, bundles: readonly string[], dir: string): Promise<string> {
  const files = await loadBuildArtifact(p.store.db, accountId, buildId);
  if (!files) throw new Error(`Build ${buildId} has no artifact`);
  const root = path.dirname(dir);
  fs.mkdirSync(root, { recursive: true, mode: 0o711 });
  fs.chmodSync(root, 0o711);
  const tmp = fs.mkdtempSync(path.join(root, ".unpack-"));
  for (const bundle of bundles) {
    for (const name of [bundle, `${bundle}.map`]) {
      const data = files.get(name);
      if (!data) continue;
      const target = path.join(tmp, name);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, data, { mode: 0o600 });
    }
  }
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another invocation unpacked the same build first: theirs is identical.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
