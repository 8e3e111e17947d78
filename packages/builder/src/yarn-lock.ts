import { BuildError } from "./build-error";
import type { PackageManifest } from "./package-manifest";

/** What a yarn.lock gives an npm install: the versions it locked for the package's direct dependencies. */
export interface YarnPins {
  /** Dependency name → the exact version yarn.lock resolved its range to. */
  pins: Record<string, string>;
  /** 1 for yarn classic's format, 2 for yarn 2+ (berry). */
  format: 1 | 2;
}

// yarn 2+ protocols that take a package from the server's disk or run a program (F1, as file:/link: for npm).
const LOCAL_PROTOCOL = /@(file|link|portal|exec):/;

/**
 * Reads a yarn.lock (classic v1 or yarn 2+) with yarn's own parser. Every entry must come from a registry: a v1
 * `resolved` that is not an http(s) tarball, or a yarn 2+ resolution through file:, link:, portal: or exec:, is
 * refused as a package-lock.json's would be. Sprocket installs with npm (docs/decisions.md, Builds): yarn.lock's
 * versions are kept for the direct dependencies, whose ranges it lists verbatim; npm resolves the rest within ranges.
 */
export async function yarnLockPins(text: string, manifest: PackageManifest, shown: string): Promise<YarnPins> {
  // Loaded on first use, as workspaces.ts loads its parser: only an install from a yarn.lock needs it.
  const { parseSyml } = await import("@yarnpkg/parsers");
  let parsed: Record<string, unknown>;
  try {
    // yarn's parser reads the classic format only under its "# yarn lockfile v1" header; a file that lost the header
    // (and is not yarn 2+'s YAML, which starts with __metadata) is still the classic format.
    const classicWithoutHeader = !/^#\s*yarn\s+lockfile\s+v1\s*$/im.test(text) && !/^__metadata:/m.test(text);
    parsed = parseSyml(classicWithoutHeader ? `# yarn lockfile v1\n${text}` : text);
  } catch (error) {
    throw new BuildError("BUILD_INVALID_PACKAGE_JSON", `${shown} cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  const format = "__metadata" in parsed ? 2 : 1;
  const versionOf = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "__metadata" || typeof value !== "object" || value === null) continue;
    const entry = value as { version?: unknown; resolved?: unknown; resolution?: unknown };
    const refuse = (what: string) => {
      throw new BuildError(
        "BUILD_INVALID_PACKAGE_JSON",
        `${shown}: "${key}" ${what}, a package on the server's disk. Lock only packages from the npm registry.`,
      );
    };
    if (typeof entry.resolved === "string" && !/^https?:\/\//i.test(entry.resolved)) refuse(`resolves to "${entry.resolved}"`);
    if (typeof entry.resolution === "string" && LOCAL_PROTOCOL.test(entry.resolution)) refuse(`resolves to "${entry.resolution}"`);
    if (LOCAL_PROTOCOL.test(key)) refuse("is locked from a local protocol");
    if (typeof entry.version !== "string") continue;
    for (const descriptor of key.split(/,\s*/)) versionOf.set(descriptor.trim(), entry.version);
  }
  const pins: Record<string, string> = {};
  for (const deps of [manifest.dependencies, manifest.optionalDependencies]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      // Aliases, tags and URLs are left to npm; only plain semver ranges have a lock entry to take a version from.
      if (/[:/]/.test(range)) continue;
      const version = versionOf.get(format === 1 ? `${name}@${range}` : `${name}@npm:${range}`);
      if (version !== undefined && /^\d+\.\d+\.\d+(?:[-+][\w.+-]*)?$/.test(version)) pins[name] = version;
    }
  }
  return { pins, format };
}

/** The manifest with its direct dependencies pinned to yarn.lock's versions. */
export function pinnedManifest(manifest: PackageManifest, pins: Record<string, string>): PackageManifest {
  const pin = (deps: Record<string, string> | undefined) =>
    deps ? Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, pins[name] ?? range])) : undefined;
  return { ...manifest, dependencies: pin(manifest.dependencies), optionalDependencies: pin(manifest.optionalDependencies) };
}
