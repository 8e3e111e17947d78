import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, chown, copyFile, lchown, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { BuildError } from "./build-error";
import type { BuildIdentity } from "./build-sandbox";
import { refuseLocalLockfileEntries, refuseLocalManifestSpecs } from "./local-dependencies";

export interface InstallDependenciesOptions {
  packageJsonPath: string;
  /** An npm lockfile (package-lock.json or npm-shrinkwrap.json); ignored when the file does not exist. */
  lockfilePath?: string;
  /** Shared by all builds; each dependency set gets `<cacheDir>/<key>/node_modules`. */
  cacheDir: string;
  npmCommand?: string;
  timeoutMs?: number;
  /** Kills npm when aborted (a server shutting down must not wait for an install). */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** The project folder: errors name package.json by its path in it, never by the server's scratch path. */
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
}

const NPM_FLAGS = ["--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier", "--no-progress", "--loglevel=error"];
// npm passes its own settings to child processes as npm_config_*; a build started under `npm start` must not inherit
// e.g. `workspace` or `global`. Only the settings that say how to reach the registry go through.
const KEPT_NPM_CONFIG = new Set(["registry", "cache", "userconfig", "proxy", "https_proxy", "noproxy", "cafile", "strict_ssl"]);
const STDERR_TAIL_LINES = 20;

// Builds of the same dependency set in this process wait for one install instead of racing.
const inFlight = new Map<string, Promise<InstalledDependencies>>();

/**
 * Installs a package's production dependencies into a content-addressed cache and returns where they are.
 * Another process installing the same key at the same time is harmless: each installs into its own staging folder
 * and renames it into place, and whoever renames second keeps the winner's copy.
 */
export async function installDependencies(options: InstallDependenciesOptions): Promise<InstalledDependencies> {
  const shown = (path: string) => (options.root ? relative(options.root, path).split(sep).join("/") : basename(path));
  const manifest = await readPackageJson(options.packageJsonPath, shown(options.packageJsonPath));
  refuseLocalManifestSpecs(manifest as Record<string, unknown>, shown(options.packageJsonPath));
  const lockfile = options.lockfilePath === undefined ? null : await readFile(options.lockfilePath).catch(ignoreMissing);
  if (lockfile !== null) refuseLocalLockfileEntries(lockfile, shown(options.lockfilePath!));
  const cacheKey = dependencyCacheKey(manifest, lockfile);
  if (!hasDependencies(manifest)) return { nodeModulesDir: null, cacheKey, cached: true };

  const finalDir = join(options.cacheDir, cacheKey);
  const nodeModulesDir = join(finalDir, "node_modules");
  if (await exists(finalDir)) {
    // Entries cached before builds had an identity of their own were 0700 (mkdtemp's mode): open them to it.
    if (options.runAs) await chmod(finalDir, 0o755);
    options.log?.(`Dependencies ${cacheKey.slice(0, 12)} are cached.`);
    return { nodeModulesDir, cacheKey, cached: true };
  }
  const pending = inFlight.get(finalDir);
  if (pending) return pending;
  const install = installInto(options, lockfile !== null, finalDir).then(() => ({ nodeModulesDir, cacheKey, cached: false }));
  inFlight.set(finalDir, install);
  try {
    return await install;
  } finally {
    inFlight.delete(finalDir);
  }
}

async function installInto(options: InstallDependenciesOptions, hasLockfile: boolean, finalDir: string): Promise<void> {
  await mkdir(options.cacheDir, { recursive: true });
  const staging = await mkdtemp(join(options.cacheDir, ".installing-"));
  try {
    await copyFile(options.packageJsonPath, join(staging, "package.json"));
    if (hasLockfile) await copyFile(options.lockfilePath!, join(staging, "package-lock.json"));
    const args = [hasLockfile ? "ci" : "install", ...NPM_FLAGS];
    options.log?.(`Running npm ${args.join(" ")}`);
    const runAs = options.runAs ?? undefined;
    let home: string | undefined;
    if (runAs) {
      // npm's own cache and config home, the build identity's: it can read nothing of root's (~/.npm, ~/.npmrc).
      home = join(options.cacheDir, `.npm-home-${runAs.uid}`);
      await mkdir(home, { recursive: true, mode: 0o700 });
      await chown(home, runAs.uid, runAs.gid);
      await chownTree(staging, runAs.uid, runAs.gid);
    }
    await runNpm(options.npmCommand ?? "npm", args, staging, options.timeoutMs ?? 300_000, options.signal, runAs, home);
    // The build identity installed it; the server owns it from now on, so no later build can change a cached tree.
    if (runAs) await chownTree(staging, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    // Public npm packages: readable by the build identity that bundles them (mkdtemp made the folder 0700).
    await chmod(staging, 0o755);
    await rename(staging, finalDir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same key first; its copy is as good as ours.
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      await rm(staging, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function runNpm(command: string, args: string[], cwd: string, timeoutMs: number, signal: AbortSignal | undefined, runAs: BuildIdentity | undefined, home: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = home ? { ...npmEnvironment(), HOME: home, npm_config_cache: join(home, "cache") } : npmEnvironment();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), ...(signal ? { signal, killSignal: "SIGKILL" as const } : {}) });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-64 * 1024);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const fail = (why: string) => {
      const tail = output.trimEnd().split("\n").slice(-STDERR_TAIL_LINES).join("\n");
      reject(new BuildError("BUILD_DEPENDENCY_INSTALL_FAILED", `npm ${args[0]} ${why}.${tail ? `\n${tail}` : ""}`));
    };
    child.on("error", (error) => {
      clearTimeout(timer);
      if (signal?.aborted) reject(signal.reason);
      else fail(`could not start (${error.message})`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else if (signal === "SIGKILL") fail(`did not finish within ${Math.round(timeoutMs / 1000)} s`);
      else fail(`failed with exit code ${code}`);
    });
  });
}

/**
 * npm's own environment: it reads its proxy, registry and cache settings (npm_config_*, HTTPS_PROXY, HOME) from there,
 * so the operator's npm set-up reaches it; the variables npm sets for a running script are left out.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // eslint-disable-next-line no-restricted-properties -- the child's own protocol, not a setting of ours
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith("npm_lifecycle_") || lower.startsWith("npm_package_")) continue;
    if (lower.startsWith("npm_config_") && !KEPT_NPM_CONFIG.has(lower.slice("npm_config_".length))) continue;
    env[key] = value;
  }
  return env;
}

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  overrides?: unknown;
}

async function readPackageJson(path: string, shown: string): Promise<PackageManifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `Cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown} must hold a JSON object.`);
  }
  const manifest = parsed as Record<string, unknown>;
  for (const field of ["dependencies", "optionalDependencies"]) {
    const value = manifest[field];
    const valid = value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string"));
    if (!valid) throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown}: "${field}" must map package names to version strings.`);
  }
  return manifest as PackageManifest;
}

function hasDependencies(manifest: PackageManifest): boolean {
  return Object.keys(manifest.dependencies ?? {}).length + Object.keys(manifest.optionalDependencies ?? {}).length > 0;
}

/** What decides the installed tree: the declared dependencies (in any order), the lockfile, and Node's major version. */
function dependencyCacheKey(manifest: PackageManifest, lockfile: Buffer | null): string {
  const sorted = (deps: Record<string, string> | undefined) => Object.entries(deps ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const material = JSON.stringify({
    format: 1,
    node: process.versions.node.split(".")[0],
    dependencies: sorted(manifest.dependencies),
    optionalDependencies: sorted(manifest.optionalDependencies),
    overrides: manifest.overrides ?? null,
    lockfile: lockfile === null ? null : createHash("sha256").update(lockfile).digest("hex"),
  });
  return createHash("sha256").update(material).digest("hex");
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) await lchown(join(entry.parentPath, entry.name), uid, gid);
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
