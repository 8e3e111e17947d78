import { isAbsolute, relative, resolve, sep } from "node:path";
import type { BuildScope } from "./build-confinement";

interface SourceMap {
  sources: string[];
  sourcesContent?: Array<string | null>;
  sourceRoot?: string;
}

/**
 * Rewrites an esbuild source map so that it names only the project's files, by their path in the project, and carries
 * only the project's sources: npm files are named `node_modules/...` without content, and no server path (the scratch
 * folder, the dependency cache) is left in it. `mapDir` is the folder esbuild made the sources relative to.
 */
export function scopeSourceMap(json: string, mapDir: string, scope: BuildScope): string {
  const map = JSON.parse(json) as SourceMap;
  const contents = map.sourcesContent ?? [];
  map.sources = map.sources.map((source, i) => {
    // Virtual modules (e.g. the host globals' `sprocket-host-global:react`) are not paths.
    if (/^[\w-]+:/.test(source)) return source;
    const absolute = resolve(mapDir, source);
    if (scope.nodeModulesDir && within(absolute, scope.nodeModulesDir)) {
      contents[i] = null;
      return `node_modules/${portable(relative(scope.nodeModulesDir, absolute))}`;
    }
    const fromRoot = relative(scope.root, absolute);
    if (fromRoot !== "" && !fromRoot.startsWith("..") && !isAbsolute(fromRoot)) return portable(fromRoot);
    contents[i] = null;
    return "(outside the project)";
  });
  if (map.sourcesContent) map.sourcesContent = contents;
  delete map.sourceRoot;
  return JSON.stringify(map);
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

function portable(path: string): string {
  return path.split(sep).join("/");
}
