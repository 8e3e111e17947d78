import { dirname } from "node:path";
import type { BuildProblem } from "./build-error";
import { bundleInSandbox, type BuildIdentity } from "./build-sandbox";
import { relativeTo, runEsbuild } from "./esbuild-run";

export interface BundleFunctionOptions {
  /** The function's file (`app.functions/<file>` or a 2025.2 `entrypoint`). */
  entry: string;
  /** From installDependencies; null or absent when the package has no dependencies. */
  nodeModulesDir?: string | null;
  /** From installDependencies: the package's npm workspaces, resolved to their folders in the project. */
  workspaces?: Record<string, string>;
  outFile: string;
  /** Runs the bundle in a child process under this uid and gid (the server runs as root); see build-sandbox.ts. */
  runAs?: BuildIdentity | null;
  /** Folder that problem paths are reported relative to; defaults to the entry's folder. */
  root?: string;
}

export interface BundledFunction {
  outFile: string;
  /**
   * `outFile` + `.map`, linked from the bundle so `node --enable-source-maps` maps stack traces to the sources. It names
   * the project's files by their path in the project and holds only their contents (none of node_modules').
   */
  sourceMapFile: string;
  warnings: BuildProblem[];
}

/**
 * Bundles an app function and all its npm dependencies into one CommonJS file for Node 20,
 * so a runner needs nothing but that file: `require(outFile).main` is the function.
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<BundledFunction> {
  if (options.runAs) return bundleInSandbox({ kind: "function", options: { ...options, runAs: null } }, options.runAs);
  const root = options.root ?? dirname(options.entry);
  const { warnings } = await runEsbuild(
    {
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      // The dependency cache is not an ancestor of the sources, so point module resolution at it.
      nodePaths: options.nodeModulesDir ? [options.nodeModulesDir] : [],
    },
    {
      entry: options.entry,
      outfile: options.outFile,
      scope: { root, nodeModulesDir: options.nodeModulesDir ?? null },
      sourceMap: "linked",
      what: `Function ${relativeTo(root, options.entry)}`,
      workspaces: options.workspaces,
    },
  );
  return { outFile: options.outFile, sourceMapFile: `${options.outFile}.map`, warnings };
}
