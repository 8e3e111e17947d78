import { readFile, realpath, stat } from "node:fs/promises";
import { extname, relative, sep } from "node:path";
import type { Loader, OnLoadResult, OnResolveResult, Plugin } from "esbuild";
import { MAX_BUNDLE_BYTES } from "./output-limits";

/** The only folders a build may read: the unpacked project and the node_modules its dependencies were installed into. */
export interface BuildScope {
  /** The project folder (problem paths are relative to it). */
  root: string;
  nodeModulesDir: string | null;
}

/**
 * Loaders by extension: esbuild's defaults for code, JSON, CSS and text. Nothing else loads, so no loader that turns
 * an arbitrary file into a string, bytes or a URL (text for any extension, binary, base64, dataurl, file, copy) can be
 * reached by naming a file.
 */
export const BUILD_LOADERS: Readonly<Record<string, Loader>> = {
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".json": "json",
  ".css": "css",
  ".txt": "text",
};

// Marks the plugin's own call to build.resolve, so it is not confined a second time.
const INNER = Symbol("sprocket-confined-resolve");

/**
 * Confines a build to its scope (F1 of the 2026-12 security review): every import is resolved as esbuild would, then
 * its real path (symlinks followed) must lie inside the project or its installed node_modules; every file is read by
 * the plugin itself after the same check (a symlink may change between resolve and load), with a loader chosen here.
 * Import attributes other than `type: "json"` are refused: `with { type: "text" | "bytes" | "file" }` would inline any
 * file as a string or bytes. Refusals are build errors at the importing file and line.
 */
export async function confinementPlugin(scope: BuildScope): Promise<Plugin> {
  const allowed = [await realpath(scope.root), ...(scope.nodeModulesDir ? [await realpath(scope.nodeModulesDir)] : [])];
  const inside = (real: string) => allowed.some((base) => real === base || real.startsWith(base + sep));
  const realInside = async (path: string) => inside(await realpath(path).catch(() => ""));
  const shown = (path: string) => shownPath(path, [scope.root, ...allowed.slice(0, 1)], [scope.nodeModulesDir, ...allowed.slice(1)]);

  return {
    name: "sprocket-build-confinement",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args): Promise<OnResolveResult | undefined> => {
        if (args.pluginData === INNER) return undefined;
        const attributeProblem = refusedAttribute(args.with);
        if (attributeProblem) return { errors: [{ text: attributeProblem }] };
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          with: args.with,
          pluginData: INNER,
        });
        // esbuild's own resolution fails the same way and knows when that is only a warning (a require in a try).
        if (resolved.errors.length > 0) return undefined;
        if (resolved.namespace === "file" && !resolved.external && !(await realInside(resolved.path))) {
          return {
            errors: [
              {
                text: `"${args.path}" is outside the project: a build may read only the project's own files and its installed npm dependencies.`,
              },
            ],
          };
        }
        return {
          path: resolved.path,
          namespace: resolved.namespace,
          external: resolved.external,
          sideEffects: resolved.sideEffects,
          suffix: resolved.suffix,
          pluginData: resolved.pluginData,
          warnings: resolved.warnings,
        };
      });

      build.onLoad({ filter: /.*/, namespace: "file" }, async (args): Promise<OnLoadResult> => {
        const real = await realpath(args.path).catch(() => "");
        if (!inside(real))
          return {
            errors: [
              {
                text: `${shown(args.path)} is outside the project: a build may read only the project's own files and its installed npm dependencies.`,
              },
            ],
          };
        const loader = args.with.type === "json" ? "json" : BUILD_LOADERS[extname(real).toLowerCase()];
        if (!loader)
          return {
            errors: [
              {
                text: `${shown(args.path)}: files of type "${extname(real) || "(none)"}" cannot be imported; a build loads ${Object.keys(BUILD_LOADERS).join(" ")} files.`,
              },
            ],
          };
        try {
          const info = await stat(real);
          if (!info.isFile()) return { errors: [{ text: `${shown(args.path)} is not a regular file.` }] };
          if (info.size > MAX_BUNDLE_BYTES)
            return { errors: [{ text: `${shown(args.path)} is larger than a bundle may be (${MAX_BUNDLE_BYTES / 1024 / 1024} MB).` }] };
          return { contents: await readFile(real), loader };
        } catch (error) {
          // Under the build's own uid, a file private to the server's user (EACCES).
          return { errors: [{ text: `${shown(args.path)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"}).` }] };
        }
      });
    },
  };
}

function refusedAttribute(attributes: Record<string, string>): string | undefined {
  const entries = Object.entries(attributes);
  if (entries.length === 0 || (entries.length === 1 && attributes.type === "json")) return undefined;
  const written = entries.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ");
  return `Import attribute { ${written} } is not supported: a build imports code, and JSON with { type: "json" }.`;
}

/** A path as the user knows it: relative to the project or from node_modules/ on; never a server path. */
function shownPath(path: string, roots: readonly string[], nodeModules: ReadonlyArray<string | null>): string {
  for (const base of nodeModules) {
    if (base && path.startsWith(base + sep)) return `node_modules/${relative(base, path).split(sep).join("/")}`;
  }
  for (const base of roots) {
    if (path.startsWith(base + sep)) return relative(base, path).split(sep).join("/");
  }
  return "A file";
}
