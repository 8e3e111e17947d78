import { createHash } from "node:crypto";
import { chmod, chown, copyFile, lchown, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { BuildError } from "./build-error";
import type { BuildIdentity } from "./build-sandbox";
import { notServedNote, outOfStepNote, warningText, type InstallNote } from "./install-warnings";
import { refuseLocalLockfileEntries, refuseLocalManifestSpecs } from "./local-dependencies";
import { isLockOutOfStep, isNotOnRegistry, npmFailure, withoutServerPaths, type NpmFailure } from "./npm-output";
import { hasDependencies, readPackageJson, type PackageManifest } from "./package-manifest";
import { NPM_FLAGS, runNpm } from "./run-npm";
import { placeFromStore, planFromStore, storeInstalledTree } from "./package-store";
import { findWorkspaces, type Workspace } from "./workspaces";
import { pinnedManifest, yarnLockPins, type YarnPins } from "./yarn-lock";

export interface InstallDependenciesOptions {
  packageJsonPath: string;
  /** An npm lockfile (package-lock.json or npm-shrinkwrap.json); ignored when the file does not exist. */
  lockfilePath?: string;
  /** A yarn.lock, read when there is no npm lockfile; ignored when the file does not exist. */
  yarnLockPath?: string;
  /** Shared by all builds; each dependency set gets `<cacheDir>/<key>/node_modules`. */
  cacheDir: string;
  npmCommand?: string;
  /** Per npm run (an install that falls back to `npm install` runs npm twice). */
  timeoutMs?: number;
  /** Kills npm when aborted (a server shutting down must not wait for an install). */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** The project folder: messages name files by their path in it, never by the server's scratch path. */
  root?: string;
  /** Runs npm under this uid and gid (the server runs as root); the installed tree is handed back to the server. */
  runAs?: BuildIdentity | null;
}

export interface InstalledDependencies {
  /** null when the package declares no dependencies (nothing to install). */
  nodeModulesDir: string | null;
  cacheKey: string;
  /** True when npm did not run: a cache hit, or nothing to install. */
  cached: boolean;
  /** Why the install did not follow the lock file exactly (out of step, a pinned version gone, a yarn.lock), for the build. */
  warnings: string[];
  /** The package's npm workspaces: name → folder in the project. Bundles resolve them there (`workspaces` option). */
  workspaces: Record<string, string>;
}

/** Beside node_modules in a cache entry: what the install had to do differently, so a cache hit warns the same. */
const NOTES_FILE = "sprocket-install.json";

// Builds of the same dependency set in this process wait for one install instead of racing.
const inFlight = new Map<string, Promise<InstallNote[]>>();

/**
 * Installs a package's production dependencies into a content-addressed cache and returns where they are. An npm lock
 * file in step with package.json is installed with `npm ci`; one out of step, or pinning a version the registry does not
 * serve, falls back to `npm install` within package.json's ranges, with a warning naming the cause (what a user running
 * npm by hand would do). A yarn.lock alone is read for its direct versions (yarn-lock.ts). Another process installing
 * the same key at the same time is harmless: each installs into its own staging folder and renames it into place, and
 * whoever renames second keeps the winner's copy.
 */
export async function installDependencies(options: InstallDependenciesOptions): Promise<InstalledDependencies> {
  const packageDir = dirname(options.packageJsonPath);
  const folder = options.root ? relative(options.root, packageDir).split(sep).join("/") : basename(packageDir);
  const shown = (file: string) => (folder === "" ? file : `${folder}/${file}`);
  const manifest = await readPackageJson(options.packageJsonPath, shown("package.json"));
  refuseLocalManifestSpecs(manifest as Record<string, unknown>, shown("package.json"));
  const workspaces = await findWorkspaces(packageDir, manifest, folder);
  const workspaceDirs = Object.fromEntries(workspaces.map((w) => [w.name, join(packageDir, w.folder)]));
  const lockfile = options.lockfilePath === undefined ? null : await readFile(options.lockfilePath).catch(ignoreMissing);
  const lockfileName = options.lockfilePath === undefined ? "package-lock.json" : basename(options.lockfilePath);
  if (lockfile !== null)
    refuseLocalLockfileEntries(
      lockfile,
      shown(lockfileName),
      workspaces.map((w) => w.folder),
    );
  const yarnLock =
    lockfile !== null || options.yarnLockPath === undefined ? null : await readFile(options.yarnLockPath, "utf8").catch(ignoreMissing);
  const yarn = yarnLock === null ? null : await yarnLockPins(yarnLock, manifest, shown("yarn.lock"));
  const cacheKey = dependencyCacheKey(manifest, lockfile, workspaces, yarn);
  if (!hasDependencies(manifest) && !workspaces.some((w) => hasDependencies(w.manifest)))
    return { nodeModulesDir: null, cacheKey, cached: true, warnings: [], workspaces: workspaceDirs };

  const finalDir = join(options.cacheDir, cacheKey);
  const nodeModulesDir = join(finalDir, "node_modules");
  const result = (notes: InstallNote[], cached: boolean): InstalledDependencies => ({
    nodeModulesDir,
    cacheKey,
    cached,
    warnings: notes.map((n) => warningText(n, folder)),
    workspaces: workspaceDirs,
  });
  if (await exists(finalDir)) {
    // Entries cached before builds had an identity of their own were 0700 (mkdtemp's mode): open them to it.
    if (options.runAs) await chmod(finalDir, 0o755);
    options.log?.(`Dependencies ${cacheKey.slice(0, 12)} are cached.`);
    return result(await readNotes(finalDir), true);
  }
  let install = inFlight.get(finalDir);
  if (!install) {
    install = installInto({
      options,
      manifest,
      lockfile: lockfile && lockfileName,
      lockfileBytes: lockfile,
      workspaces,
      yarn,
      folder,
      finalDir,
    });
    inFlight.set(finalDir, install);
    install.finally(() => inFlight.delete(finalDir)).catch(() => undefined);
  }
  return result(await install, false);
}

interface InstallJob {
  options: InstallDependenciesOptions;
  manifest: PackageManifest;
  /** The npm lock file's name when there is one. */
  lockfile: string | null;
  lockfileBytes: Buffer | null;
  workspaces: Workspace[];
  yarn: YarnPins | null;
  folder: string;
  finalDir: string;
}

async function installInto(job: InstallJob): Promise<InstallNote[]> {
  const { options } = job;
  await mkdir(options.cacheDir, { recursive: true });
  const staging = await mkdtemp(join(options.cacheDir, ".installing-"));
  const runAs = options.runAs ?? undefined;
  const owner = async (path: string) => {
    if (runAs) await chown(path, runAs.uid, runAs.gid);
  };
  try {
    const pinned = job.yarn !== null && Object.keys(job.yarn.pins).length > 0;
    await writeFile(
      join(staging, "package.json"),
      JSON.stringify(pinned ? pinnedManifest(job.manifest, job.yarn!.pins) : job.manifest, null, 2),
    );
    if (job.lockfile) await copyFile(options.lockfilePath!, join(staging, job.lockfile));
    if (await fromStore(job, staging)) return await finish(job, staging, []);
    // npm links each workspace from node_modules and installs its dependencies: it needs their package.json files.
    for (const workspace of job.workspaces) {
      await mkdir(join(staging, workspace.folder), { recursive: true });
      await writeFile(join(staging, workspace.folder, "package.json"), JSON.stringify(workspace.manifest, null, 2));
    }
    let home: string | undefined;
    if (runAs) {
      // npm's own cache and config home, the build identity's: it can read nothing of root's (~/.npm, ~/.npmrc).
      home = join(options.cacheDir, `.npm-home-${runAs.uid}`);
      await mkdir(home, { recursive: true, mode: 0o700 });
      await owner(home);
      await chownTree(staging, runAs.uid, runAs.gid);
    }
    const serverPaths: Array<[string, string]> = [
      [staging, job.folder || "."],
      [options.cacheDir, "(dependency cache)"],
      ...(home ? [[home, "(npm home)"] as [string, string]] : []),
    ];
    const notes: InstallNote[] = job.yarn ? [{ kind: "yarn-lock-read", pinned: Object.keys(job.yarn.pins).length }] : [];
    let command: "ci" | "install" = job.lockfile ? "ci" : "install";
    let lockfile = job.lockfile;
    let yarnPinned = pinned;
    for (;;) {
      const args = [command, ...NPM_FLAGS];
      options.log?.(`Running npm ${args.join(" ")}`);
      const ran = await runNpm({
        command: options.npmCommand ?? "npm",
        args,
        cwd: staging,
        timeoutMs: options.timeoutMs ?? 300_000,
        signal: options.signal,
        runAs,
        home,
      });
      if (ran.ok) break;
      const failure = npmFailure(withoutServerPaths(ran.output, serverPaths));
      if (command === "ci" && isLockOutOfStep(failure)) {
        notes.push(outOfStepNote(lockfile!, failure));
        command = "install";
      } else if (isNotOnRegistry(failure) && (lockfile || yarnPinned)) {
        notes.push(notServedNote(lockfile, failure));
        // From package.json's own ranges: the lock file (or the yarn.lock versions) is what named the missing version.
        if (lockfile) await rm(join(staging, lockfile), { force: true });
        await writeFile(join(staging, "package.json"), JSON.stringify(job.manifest, null, 2));
        await owner(join(staging, "package.json"));
        await rm(join(staging, "package-lock.json"), { force: true });
        lockfile = null;
        yarnPinned = false;
        command = "install";
      } else {
        throw installFailed(command, job.folder, ran.failed, failure, withoutServerPaths(ran.output, serverPaths));
      }
    }
    // The build identity installed it; the server owns it from now on, so no later build can change a cached tree.
    if (runAs) await chownTree(staging, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    // Later builds with a new lock file over the same packages take them from the store instead of running npm.
    await storeInstalledTree(options.cacheDir, staging).catch((error: Error) =>
      options.log?.(`The shared package store could not keep this install's packages: ${error.message}`),
    );
    return await finish(job, staging, notes);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A lock file whose packages are all in the shared store is installed from it, without npm or the registry; anything
 * else (a package missing, no lock file, workspaces, a yarn.lock) goes to npm, with a build log line saying why.
 */
async function fromStore(job: InstallJob, staging: string): Promise<boolean> {
  const { options } = job;
  if (job.lockfileBytes === null || job.workspaces.length > 0 || job.yarn !== null) return false;
  const plan = await planFromStore(options.cacheDir, job.lockfileBytes, job.manifest as Record<string, unknown>);
  if (!plan.ok) {
    options.log?.(`Not installing from the shared package store: ${plan.reason}. npm installs from the registry.`);
    return false;
  }
  await placeFromStore(staging, plan.placements);
  options.log?.(
    `Installed ${plan.placements.length} packages from the shared package store (lock file ${job.lockfile}), without the registry.`,
  );
  return true;
}

/** Moves a finished install into the cache under its key, with the notes a cache hit repeats. */
async function finish(job: InstallJob, staging: string, notes: InstallNote[]): Promise<InstallNote[]> {
  await writeFile(join(staging, NOTES_FILE), JSON.stringify({ notes }));
  // Public npm packages: readable by the build identity that bundles them (mkdtemp made the folder 0700).
  await chmod(staging, 0o755);
  await rename(staging, job.finalDir).catch(async (error: NodeJS.ErrnoException) => {
    // Another process finished the same key first; its copy is as good as ours.
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    await rm(staging, { recursive: true, force: true });
  });
  return notes;
}

/**
 * npm's failure as the user should read it: the first line says what failed where (`npm ci failed in
 * app/app.functions: ...`), then npm's own error lines (`npm error code ETARGET`, ...). Without any (npm timed out or
 * did not start), the end of its output instead.
 */
function installFailed(command: string, folder: string, failed: string, failure: NpmFailure, output: string): BuildError {
  const where = folder || ".";
  if (failure.lines.length === 0) {
    const tail = output.trimEnd().split("\n").slice(-20).join("\n");
    return new BuildError("BUILD_DEPENDENCY_INSTALL_FAILED", `npm ${command} ${failed} in ${where}.${tail ? `\n${tail}` : ""}`);
  }
  return new BuildError(
    "BUILD_DEPENDENCY_INSTALL_FAILED",
    `npm ${command} ${failed} in ${where}${failure.summary ? `: ${failure.summary}` : "."}\n${failure.lines.join("\n")}`,
  );
}

async function readNotes(finalDir: string): Promise<InstallNote[]> {
  const text = await readFile(join(finalDir, NOTES_FILE), "utf8").catch(ignoreMissing);
  return text === null ? [] : ((JSON.parse(text) as { notes: InstallNote[] }).notes ?? []);
}

/**
 * What decides the installed tree: the declared dependencies (in any order), the lockfile, the workspaces' names,
 * folders and dependencies, the yarn.lock versions used, and Node's major version.
 */
function dependencyCacheKey(manifest: PackageManifest, lockfile: Buffer | null, workspaces: Workspace[], yarn: YarnPins | null): string {
  const sorted = (deps: Record<string, string> | undefined) => Object.entries(deps ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const declared = (m: PackageManifest) => ({
    dependencies: sorted(m.dependencies),
    optionalDependencies: sorted(m.optionalDependencies),
    overrides: m.overrides ?? null,
  });
  const material = JSON.stringify({
    format: 2,
    node: process.versions.node.split(".")[0],
    ...declared(manifest),
    lockfile: lockfile === null ? null : createHash("sha256").update(lockfile).digest("hex"),
    // npm links a workspace only where its version satisfies the range asking for it; otherwise it fetches one.
    workspaces: workspaces.map((w) => ({ name: w.name, folder: w.folder, version: w.manifest.version ?? null, ...declared(w.manifest) })),
    yarnPins: yarn ? sorted(yarn.pins) : null,
  });
  return createHash("sha256").update(material).digest("hex");
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    await lchown(join(entry.parentPath, entry.name), uid, gid);
}

function ignoreMissing(error: NodeJS.ErrnoException): null {
  if (error.code === "ENOENT") return null;
  throw error;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
}
