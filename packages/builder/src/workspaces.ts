import { realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { BuildError } from "./build-error";
import { refuseLocalManifestSpecs } from "./local-dependencies";
import { readPackageJson, type PackageManifest } from "./package-manifest";

/** One npm workspace of a function or card package: a folder inside it with a package.json of its own. */
export interface Workspace {
  name: string;
  /** Relative to the package's folder, `/`-separated, never leaving it. */
  folder: string;
  manifest: PackageManifest;
}

/**
 * The package's npm workspaces, as npm reads its `workspaces` globs. Each must be a folder inside the package (a
 * pattern such as `../../x` would let npm read the server's disk) and its package.json is held to the same rules as
 * the package's own. `shown` is the package folder's path in the project, for messages.
 */
export async function findWorkspaces(packageDir: string, manifest: PackageManifest, shown: string): Promise<Workspace[]> {
  if (manifest.workspaces === undefined) return [];
  let found: Map<string, string>;
  try {
    // Loaded on first use: it is most of the builder's load time, and only an install with workspaces needs it
    // (the CLI's validate and upload load the builder too).
    const { default: mapWorkspaces } = await import("@npmcli/map-workspaces");
    found = await mapWorkspaces({ cwd: packageDir, pkg: { workspaces: manifest.workspaces } });
  } catch (error) {
    const reason = (error as Error).message
      .split(packageDir + sep)
      .join("")
      .split(packageDir)
      .join(".");
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown}/package.json: "workspaces" cannot be read: ${reason}`);
  }
  const base = await realpath(packageDir);
  const workspaces: Workspace[] = [];
  for (const [name, dir] of found) {
    const folder = relative(base, await realpath(dir).catch(() => dir))
      .split(sep)
      .join("/");
    if (folder === "" || folder === ".." || folder.startsWith("../") || folder.startsWith("/")) {
      throw new BuildError(
        "BUILD_INVALID_PACKAGE_JSON",
        `${shown}/package.json: workspace "${name}" is not a folder inside ${shown}. Workspaces must live in the package's own folder.`,
      );
    }
    const manifestShown = `${shown}/${folder}/package.json`;
    const workspaceManifest = await readPackageJson(join(base, folder, "package.json"), manifestShown);
    refuseLocalManifestSpecs(workspaceManifest as Record<string, unknown>, manifestShown);
    workspaces.push({ name, folder, manifest: workspaceManifest });
  }
  return workspaces.sort((a, b) => (a.folder < b.folder ? -1 : 1));
}
