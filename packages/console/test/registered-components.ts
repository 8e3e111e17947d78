// The component names the installed SDK registers, read from its registry source.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export function registeredComponentNames(): string[] {
  // The package exports only its entry points; the registry sits beside the main one (dist/index.js).
  const distDir = dirname(require.resolve("@hubspot/ui-extensions"));
  const source = readFileSync(join(distDir, "shared.synced/remoteComponents.synced.js"), "utf8");
  const names = [...source.matchAll(/createAndRegisterRemote(?:Compound)?ReactComponent\('([A-Za-z0-9]+)'/g)].map((match) => match[1]!);
  return [...new Set(names)].sort();
}
