/** Platform versions HubSpot's project tooling knows (project-parsing-lib src/lib/constants.js, plus 2023.1). */
export const platformVersions = [
  "2023.1",
  "2023.2",
  "2025.1",
  "2025.2",
  "2026.03-beta",
  "2026.03",
  "2026.09-beta",
  "2026.09",
  "2027.03-beta",
  "2027.03",
  "unstable",
] as const;

/** DEPRECATED_PLATFORM_VERSIONS of project-parsing-lib: still built, with a warning. */
export const deprecatedPlatformVersions: readonly string[] = ["2025.1"];

const legacyVersions = new Set(["2023.1", "2023.2", "2025.1"]);

/** Legacy projects use app.json, card JSON and serverless.json; later versions use *-hsmeta.json. */
export function isLegacyPlatform(version: string): boolean {
  return legacyVersions.has(version);
}

export function isKnownPlatform(version: string): boolean {
  return (platformVersions as readonly string[]).includes(version);
}
