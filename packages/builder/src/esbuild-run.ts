import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, relative, sep } from "node:path";
import { build, type BuildOptions, type Message, type Metafile } from "esbuild";
import { BuildError, type BuildProblem } from "./build-error";
import { BUILD_LOADERS, confinementPlugin, type BuildScope } from "./build-confinement";
import { MAX_BUNDLE_BYTES, outputTooLarge } from "./output-limits";
import { projectTsconfig } from "./project-tsconfig";
import { scopeSourceMap } from "./source-map-scope";

export interface EsbuildOutcome {
  metafile: Metafile;
  warnings: BuildProblem[];
}

export interface EsbuildRun {
  /** One entry point, written to `outfile`. */
  entry: string;
  outfile: string;
  scope: BuildScope;
  /**
   * linked: `outfile.map` beside the bundle, named in it; external: `outfile.map` beside it, not named (the server maps
   * the stacks, browsers need not fetch it); inline: a data URL at the end of the bundle.
   */
  sourceMap: "linked" | "external" | "inline";
  /** Used in the error message: "<what> failed to build". */
  what: string;
  /** The package's npm workspaces (name → folder in the project): imports of them resolve to the project's files. */
  workspaces?: Record<string, string> | undefined;
}

/**
 * Runs one esbuild build confined to the project and its node_modules (see confinementPlugin), with paths reported
 * relative to the project root, and writes its outputs only once each is known to be under MAX_BUNDLE_BYTES. Its
 * failure becomes a BuildError whose message lists every error as `file:line:column: text`.
 */
export async function runEsbuild(options: BuildOptions, run: EsbuildRun): Promise<EsbuildOutcome> {
  const { scope } = run;
  const plugins = [...(options.plugins ?? []), await confinementPlugin(scope)];
  let result;
  try {
    result = await build({
      ...options,
      entryPoints: [run.entry],
      outfile: run.outfile,
      sourcemap: run.sourceMap === "linked" ? "linked" : "external",
      plugins,
      // npm links workspaces into node_modules; the installed tree holds only their package.json, the project the code.
      ...(run.workspaces && Object.keys(run.workspaces).length ? { alias: run.workspaces } : {}),
      loader: BUILD_LOADERS,
      tsconfigRaw: await projectTsconfig(run.entry, scope.root),
      absWorkingDir: scope.root,
      logLevel: "silent",
      metafile: true,
      write: false,
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(errors)) throw error;
    const problems = errors.map(toProblem);
    throw new BuildError("BUILD_BUNDLE_FAILED", `${run.what} failed to build:\n${problems.map(formatProblem).join("\n")}`, problems);
  }
  const outputs = result.outputFiles;
  // The bundle before its source map: an oversized bundle is what the developer has to change, and its map (larger
  // still) would otherwise be named first.
  for (const output of [...outputs].sort((a, b) => Number(a.path.endsWith(".map")) - Number(b.path.endsWith(".map")))) {
    if (output.contents.length > MAX_BUNDLE_BYTES)
      throw outputTooLarge(`${run.what}: ${basename(output.path)}`, output.contents.length, MAX_BUNDLE_BYTES);
  }
  const map = outputs.find((output) => output.path.endsWith(".map"));
  const scopedMap = map ? scopeSourceMap(map.text, dirname(map.path), scope) : undefined;
  await mkdir(dirname(run.outfile), { recursive: true });
  for (const output of outputs) {
    if (output === map) {
      if (run.sourceMap === "linked" || run.sourceMap === "external") await writeFile(output.path, scopedMap!);
    } else if (output.path === run.outfile && run.sourceMap === "inline" && scopedMap !== undefined) {
      await writeFile(
        output.path,
        `${output.text}//# sourceMappingURL=data:application/json;base64,${Buffer.from(scopedMap).toString("base64")}\n`,
      );
    } else {
      await mkdir(dirname(output.path), { recursive: true });
      await writeFile(output.path, output.contents);
    }
  }
  return { metafile: result.metafile!, warnings: result.warnings.map(toProblem) };
}

/** A project file's path as its author writes it: relative to the root, `/`-separated. */
export function relativeTo(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

export function formatProblem(problem: BuildProblem): string {
  return problem.file === "" ? problem.message : `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

export function toProblem(message: Message): BuildProblem {
  const location = message.location;
  // esbuild columns are 0-based; editors and HubSpot's build logs count from 1.
  // A dependency's file is named from node_modules/ on, not by its place in the server's cache.
  const file = location?.file.replace(/^(\.\.\/)+.*?\/(?=node_modules\/)/, "");
  return location
    ? { file: file!, line: location.line, column: location.column + 1, message: message.text }
    : { file: "", line: 0, column: 0, message: message.text };
}
