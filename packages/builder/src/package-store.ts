import { createHash } from "node:crypto";
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/**
 * A content-addressed store of installed npm packages, shared by every build on the server: one folder per package
 * tarball, named by its lock file `integrity`, holding the package as npm extracted it (without its own
 * `node_modules`). A build whose lock file is new but whose packages are all in the store gets its `node_modules`
 * assembled from hard links, without npm and without the registry: npm ci with every tarball in its cache still took
 * 15–20 s for the seed project's function dependencies (8,000 files written one by one; issue #24). The store is
 * filled from every tree npm installs. Files are shared between cache entries by hard link, so they stay the server's
 * and read-only to builds, like the cache entries themselves.
 */
const STORE = ".packages";

/** One package of a lock file's tree: where it goes under the install folder, and the store folder holding it. */
interface Placement {
  path: string;
  stored: string;
}

/** A v2/v3 lock file's `packages` entry, the fields that decide whether the store can place it. */
interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  inBundle?: boolean;
  os?: unknown;
  cpu?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const storeFolder = (cacheDir: string, integrity: string) =>
  join(cacheDir, STORE, createHash("sha256").update(integrity).digest("hex").slice(0, 40));

/** What the store can do for a lock file: place every package, or say which it lacks (or why it cannot be used). */
export type StorePlan = { ok: true; placements: Placement[] } | { ok: false; reason: string };

/**
 * The packages `npm ci --omit=dev` would install from this lock file, each found in the store; or why not. A lock file
 * out of step with package.json, one without `packages` (lockfileVersion 1), links, bundled or platform-specific
 * packages are left to npm, which knows what to do with them.
 */
export async function planFromStore(cacheDir: string, lockfile: Buffer, manifest: Record<string, unknown>): Promise<StorePlan> {
  let lock: { packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(lockfile.toString("utf8")) as typeof lock;
  } catch {
    return { ok: false, reason: "the lock file is not JSON" };
  }
  const packages = lock.packages;
  if (!packages || typeof packages !== "object") return { ok: false, reason: "the lock file lists no packages (lockfileVersion 1)" };
  const root = packages[""] ?? {};
  for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const) {
    if (!sameRanges(root[field], manifest[field])) return { ok: false, reason: `the lock file's ${field} differ from package.json's` };
  }
  const placements: Placement[] = [];
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.startsWith("node_modules/") || entry.dev) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (entry.link || entry.inBundle || entry.os || entry.cpu || !entry.integrity)
      return { ok: false, reason: `${name} is linked, bundled, platform-specific or has no integrity` };
    const stored = storeFolder(cacheDir, entry.integrity);
    if (await exists(stored)) placements.push({ path, stored });
    else missing.push(`${name}@${entry.version ?? "?"}`);
  }
  if (missing.length > 0)
    return {
      ok: false,
      reason: `${missing.length} of ${missing.length + placements.length} packages are not in it (${missing.slice(0, 3).join(", ")})`,
    };
  return { ok: true, placements };
}

/** Builds the tree under `dir` (the install folder) from the store, hard-linking every file. */
export async function placeFromStore(dir: string, placements: readonly Placement[]): Promise<void> {
  await Promise.all(placements.map((p) => linkTree(p.stored, join(dir, p.path))));
}

/**
 * Adds the packages of a tree npm just installed under `dir` to the store, using npm's own record of what it installed
 * (`node_modules/.package-lock.json`). A package already stored is left as it is; one that appears meanwhile from
 * another build wins the rename, which is as good.
 */
export async function storeInstalledTree(cacheDir: string, dir: string): Promise<void> {
  const text = await readFile(join(dir, "node_modules", ".package-lock.json"), "utf8").catch(() => null);
  if (text === null) return;
  const packages = (JSON.parse(text) as { packages?: Record<string, LockEntry> }).packages ?? {};
  await mkdir(join(cacheDir, STORE), { recursive: true });
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.startsWith("node_modules/") || entry.link || entry.inBundle || !entry.integrity) continue;
    const stored = storeFolder(cacheDir, entry.integrity);
    if (await exists(stored)) continue;
    const staging = await mkdtemp(join(cacheDir, STORE, ".adding-"));
    try {
      await linkTree(join(dir, path), staging);
      await rename(staging, stored);
    } catch {
      // Stored meanwhile by another build, or the tree lacked the folder: either way there is nothing to add.
      await rm(staging, { recursive: true, force: true });
    }
  }
}

/**
 * Hard links every file of `from` under `to` (made as needed), leaving out `from`'s own node_modules. The links are
 * asked for all at once: one after the other, 8,600 of them took 3–6 s on the loaded test machine, each a trip
 * through libuv's thread pool.
 */
async function linkTree(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  const dirs: string[] = [to];
  const files: Array<[string, string]> = [];
  for (const entry of entries) {
    const rel = relative(from, join(entry.parentPath, entry.name));
    if (rel === "node_modules" || rel.startsWith(`node_modules${sep}`)) continue;
    if (entry.isDirectory()) dirs.push(join(to, rel));
    else if (entry.isFile()) files.push([join(from, rel), join(to, rel)]);
  }
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
  // A store on another file system than the entry cannot link: a copy is the same bytes.
  await Promise.all(files.map(([source, target]) => link(source, target).catch(() => copyFile(source, target))));
}

function sameRanges(a: unknown, b: unknown): boolean {
  const entries = (x: unknown) =>
    Object.entries((x ?? {}) as Record<string, unknown>)
      .sort(([k1], [k2]) => (k1 < k2 ? -1 : 1))
      .map(([k, v]) => `${k}@${String(v)}`)
      .join(",");
  return entries(a) === entries(b);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
