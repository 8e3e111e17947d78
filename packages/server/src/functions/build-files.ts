import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { loadBuildArtifact } from "../projects/build-artifact";
import { runAccountOf, type DeployedAppFunction } from "./app-function";

type AppBuild = Pick<DeployedAppFunction, "accountId" | "appId" | "buildId">;

/**
 * Function bundles are unpacked from the build artifact (in the database) into a node-local cache. It lives outside
 * the data dir because runners run as an unprivileged user who must not reach the data dir at all. The cache folder
 * is 0711: a runner can pass through it to its own folder but cannot list the others. A folder is unpacked readable by
 * the server only; the runner pool hands it to its account's runner user when it first serves the build
 * (runtime's runner-identity.ts, giveBuildDir).
 */
export class FunctionFiles {
  /** Unpacks under way, so that concurrent calls of one build unpack it once. */
  private readonly inflight = new Map<string, Promise<string>>();
  /** The node's cache folder, one per data dir so that servers sharing a machine keep apart. */
  readonly root: string;

  constructor(
    private readonly db: Kysely<Database>,
    dataDir: string,
  ) {
    const tag = crypto.createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
    this.root = path.join(os.tmpdir(), `sprocket-functions-${tag}`);
  }

  /**
   * Where one app's function bundles of one build are unpacked for the account they run for: per app, as a project
   * build can hold several apps, and per account, as each account's runner user owns its folder (an installed OAuth
   * app's runs in account B use a copy of their own).
   */
  dirOf(build: AppBuild): string {
    return path.join(this.root, `${build.accountId}-${build.appId}-${build.buildId}`);
  }

  /** The folder holding one app's function bundles of one build for the account the call is for, unpacked once per node. */
  appFunctionDir(target: AppBuild & Pick<DeployedAppFunction, "install" | "bundles">): Promise<string> {
    const dir = this.dirOf({ ...target, accountId: runAccountOf(target) });
    if (fs.existsSync(dir)) return Promise.resolve(dir);
    let pending = this.inflight.get(dir);
    if (!pending) {
      pending = unpack(this.db, target.accountId, target.buildId, target.bundles, dir).finally(() => this.inflight.delete(dir));
      this.inflight.set(dir, pending);
    }
    return pending;
  }

  /**
   * Removes an app build's folder once it is no longer live and its runners have exited. An unpack under way finishes
   * first, so that its rename cannot put the folder back afterwards.
   */
  async remove(build: AppBuild): Promise<void> {
    const dir = this.dirOf(build);
    await this.inflight.get(dir)?.catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

async function unpack(db: Kysely<Database>, accountId: number, buildId: number, bundles: readonly string[], dir: string): Promise<string> {
  const files = await loadBuildArtifact(db, accountId, buildId);
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
