import { join } from "node:path";
import { build, type BuildOptions, type Message, type Plugin } from "esbuild";
import type { BuildProblem } from "./build-error";
import { BUILD_LOADERS, confinementPlugin } from "./build-confinement";
import { relativeTo, toProblem } from "./esbuild-run";
import { projectTsconfig } from "./project-tsconfig";

export interface SourceEntry {
  /** Relative to the root, `/`-separated: a card's React module or a function's file. */
  file: string;
  kind: "card" | "function";
}

export interface SourceCheckOptions {
  /** The project folder: entries are relative to it and problems are reported relative to it. */
  root: string;
  entries: readonly SourceEntry[];
  /** The files an upload holds (relative to the root); importing any other file is an error, as on the server. */
  uploaded?: ReadonlySet<string>;
}

export interface SourceCheck {
  entry: SourceEntry;
  /** Errors esbuild found in the entry or the project files it imports; empty when it compiles. */
  problems: BuildProblem[];
  /** The entry and its project files compiled into one ES module with comments dropped and npm imports left as imports; absent when it does not compile. */
  code?: string;
  /** The project files in the bundle, relative to the root. */
  inputs: string[];
}

/**
 * Compiles each entry and the project files it imports with the builder's esbuild settings, without installing
 * anything: every package import (anything not a relative or absolute path) stays an import. It catches what a build
 * would refuse in the project's own code (syntax errors, a missing relative import, a file type the build does not
 * load) in milliseconds, before an upload; what only the installed packages can tell is left to the build.
 */
export async function checkSources(options: SourceCheckOptions): Promise<SourceCheck[]> {
  const plugins = [
    packagesExternal,
    ...(options.uploaded ? [uploadedOnly(options.root, options.uploaded)] : []),
    await confinementPlugin({ root: options.root, nodeModulesDir: null }),
  ];
  return Promise.all(options.entries.map((entry) => checkEntry(options.root, entry, plugins)));
}

async function checkEntry(root: string, entry: SourceEntry, plugins: Plugin[]): Promise<SourceCheck> {
  const path = join(root, entry.file);
  // The same language settings as bundleCard and bundleFunction; the format is ESM only so that imports stay imports.
  const language: BuildOptions =
    entry.kind === "card"
      ? { platform: "browser", target: "es2020", jsx: "transform", jsxFactory: "React.createElement", jsxFragment: "React.Fragment" }
      : { platform: "node", target: "node20" };
  try {
    const result = await build({
      ...language,
      entryPoints: [path],
      bundle: true,
      format: "esm",
      // Never written (write: false): esbuild only needs a name for the output it returns.
      outfile: join(root, "syntax-check.js"),
      plugins,
      loader: BUILD_LOADERS,
      tsconfigRaw: await projectTsconfig(path, root),
      absWorkingDir: root,
      legalComments: "none",
      logLevel: "silent",
      logLimit: 0,
      metafile: true,
      write: false,
    });
    const code = result.outputFiles[0]?.text ?? "";
    return { entry, problems: [], code, inputs: Object.keys(result.metafile.inputs).filter((input) => !input.includes(":")) };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    // Not a compile error: a tsconfig that points outside the project or is not JSON (projectTsconfig's BuildError).
    if (!Array.isArray(errors))
      return { entry, problems: [{ file: entry.file, line: 0, column: 0, message: (error as Error).message }], inputs: [] };
    return { entry, problems: errors.map(toProblem), inputs: [] };
  }
}

/** Package imports are resolved by the build against installed dependencies; here they are left alone. */
const packagesExternal: Plugin = {
  name: "sprocket-packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** A file the upload leaves out (a dotfile, one matched by .hsignore) is not on the server: importing it fails there. */
function uploadedOnly(root: string, uploaded: ReadonlySet<string>): Plugin {
  return {
    name: "sprocket-uploaded-only",
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
        const file = relativeTo(root, args.path);
        if (uploaded.has(file) || file.startsWith("../")) return undefined;
        return {
          errors: [{ text: `${file} is not uploaded (its name starts with "." or .hsignore lists it), so a build cannot import it.` }],
        };
      });
    },
  };
}
