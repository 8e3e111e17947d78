import { readFile } from "node:fs/promises";
import { BuildError } from "./build-error";

export interface PackageManifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  overrides?: unknown;
  workspaces?: unknown;
}

/** Reads a package.json, refusing what npm would choke on; `shown` names it by its path in the project. */
export async function readPackageJson(path: string, shown: string): Promise<PackageManifest> {
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
    const valid =
      value === undefined ||
      (typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string"));
    if (!valid) throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown}: "${field}" must map package names to version strings.`);
  }
  return manifest as PackageManifest;
}

export function hasDependencies(manifest: PackageManifest): boolean {
  return Object.keys(manifest.dependencies ?? {}).length + Object.keys(manifest.optionalDependencies ?? {}).length > 0;
}
