import { BuildError } from "./build-error";

/**
 * npm specs that install from the server's own disk: `file:`, `link:`, `git+file:` and bare paths. npm copies or links
 * what they name into node_modules, where the bundler may read it, so they would reach outside the project (F1).
 * Registry versions, tarball URLs and remote git specs are fetched over the network instead.
 */
const LOCAL_SPEC = /^\s*(file:|link:|git\+file:|portal:|\.{1,2}(\/|\\|$)|~[\\/]|\/|\\|[a-zA-Z]:[\\/])/i;

/** Refuses local specs in a package.json's dependencies, optionalDependencies and overrides. */
export function refuseLocalManifestSpecs(manifest: Record<string, unknown>, shown: string): void {
  for (const field of ["dependencies", "optionalDependencies", "overrides"]) {
    for (const [name, spec] of specsIn(manifest[field], [])) {
      if (LOCAL_SPEC.test(spec.replace(/^npm:(@[^/]+\/)?[^@]+@/, ""))) {
        throw new BuildError(
          "BUILD_INVALID_PACKAGE_JSON",
          `${shown}: ${field} "${name.join(" > ")}" is "${spec}", a package on the server's disk. Use a version from the npm registry.`,
        );
      }
    }
  }
}

/**
 * Refuses a lockfile entry that npm ci would take from disk: a `link`, a package outside node_modules/, or a
 * `resolved` (or v1 `version`) that is not an http(s) tarball URL. The package's own npm workspaces (`workspaceFolders`,
 * folders inside it that findWorkspaces checked) are the exception: npm records each as a package at its folder and a
 * link to it from node_modules.
 */
export function refuseLocalLockfileEntries(lockfile: Buffer, shown: string, workspaceFolders: readonly string[] = []): void {
  let parsed: { packages?: Record<string, LockEntry>; dependencies?: Record<string, LockEntry> };
  try {
    parsed = JSON.parse(lockfile.toString("utf8")) as typeof parsed;
  } catch (error) {
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown} is not valid JSON: ${(error as Error).message}`);
  }
  const refuse = (where: string, what: string) => {
    throw new BuildError(
      "BUILD_INVALID_PACKAGE_JSON",
      `${shown}: "${where}" ${what}, a package on the server's disk. Lock only packages from the npm registry.`,
    );
  };
  const workspace = new Set(workspaceFolders);
  for (const [key, entry] of Object.entries(parsed.packages ?? {})) {
    if (key === "") continue;
    // A workspace's own entry (its folder) has no `resolved`; checkEntry still refuses one that claims a link or file.
    if (workspace.has(key)) {
      checkEntry(key, entry, refuse);
      continue;
    }
    if (!/^(.*\/)?node_modules\//.test(key) || key.split("/").includes("..")) refuse(key, "is not under node_modules");
    const workspaceLink =
      typeof entry === "object" &&
      entry !== null &&
      entry.link === true &&
      typeof entry.resolved === "string" &&
      workspace.has(entry.resolved);
    if (!workspaceLink) checkEntry(key, entry, refuse);
  }
  const walk = (deps: Record<string, LockEntry> | undefined, path: string[]) => {
    for (const [name, entry] of Object.entries(deps ?? {})) {
      checkEntry([...path, name].join(" > "), entry, refuse);
      walk(entry.dependencies, [...path, name]);
    }
  };
  walk(parsed.dependencies, []);
}

interface LockEntry {
  link?: unknown;
  resolved?: unknown;
  version?: unknown;
  dependencies?: Record<string, LockEntry>;
}

function checkEntry(where: string, entry: LockEntry, refuse: (where: string, what: string) => never): void {
  if (typeof entry !== "object" || entry === null) return;
  if (entry.link === true) refuse(where, "is a link");
  if (typeof entry.resolved === "string" && !/^https?:\/\//i.test(entry.resolved)) refuse(where, `resolves to "${entry.resolved}"`);
  if (typeof entry.version === "string" && LOCAL_SPEC.test(entry.version)) refuse(where, `has version "${entry.version}"`);
}

/** [name path, spec] of every string in a dependency map; overrides nest (`{ "a": { ".": "1", "b": "2" } }`). */
function specsIn(value: unknown, path: string[]): Array<[string[], string]> {
  if (typeof value === "string") return [[path, value]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => specsIn(inner, key === "." ? path : [...path, key]));
}
