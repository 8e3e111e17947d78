import { build, type BuildOptions, type Message, type Metafile } from "esbuild";
import { BuildError, type BuildProblem } from "./build-error";

export interface EsbuildOutcome {
  metafile: Metafile;
  warnings: BuildProblem[];
}

/**
 * Runs one esbuild build with paths reported relative to `root`, turning its failure into a BuildError
 * whose message lists every error as `file:line:column: text`.
 */
export async function runEsbuild(options: BuildOptions, root: string, what: string): Promise<EsbuildOutcome> {
  try {
    const result = await build({ ...options, absWorkingDir: root, logLevel: "silent", metafile: true, write: true });
    return { metafile: result.metafile, warnings: result.warnings.map(toProblem) };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(errors)) throw error;
    const problems = errors.map(toProblem);
    throw new BuildError("BUILD_BUNDLE_FAILED", `${what} failed to build:\n${problems.map(formatProblem).join("\n")}`, problems);
  }
}

export function formatProblem(problem: BuildProblem): string {
  return problem.file === "" ? problem.message : `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

function toProblem(message: Message): BuildProblem {
  const location = message.location;
  // esbuild columns are 0-based; editors and HubSpot's build logs count from 1.
  return location
    ? { file: location.file, line: location.line, column: location.column + 1, message: message.text }
    : { file: "", line: 0, column: 0, message: message.text };
}
