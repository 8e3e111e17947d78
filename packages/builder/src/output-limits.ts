import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { BuildError } from "./build-error";

const MB = 1024 * 1024;

/**
 * Build outputs are bounded because the upload caps (50 MB zip, 200 MB inflated) do not bound them: a bundle can
 * repeat its inputs, and every artifact is stored in the database and unpacked for runners (F1: a 1 KB upload grew
 * the database by 1.8 GB). Real cards and functions with all their npm dependencies are well under 5 MB.
 */
export const MAX_BUNDLE_BYTES = 20 * MB;
/** The sum of every bundle, source map and manifest of one build (the stored artifact, before zipping). */
export const MAX_BUILD_OUTPUT_BYTES = 100 * MB;

export function outputTooLarge(what: string, bytes: number, limit: number): BuildError {
  return new BuildError(
    "BUILD_OUTPUT_TOO_LARGE",
    `${what} is ${(bytes / MB).toFixed(1)} MB, more than the ${limit / MB} MB a build may produce. Bundle fewer or smaller files.`,
  );
}

/** Throws BUILD_OUTPUT_TOO_LARGE when the files under `dir` (a build's outputs) add up to more than the build cap. */
export async function checkBuildOutputSize(dir: string): Promise<void> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  if (total > MAX_BUILD_OUTPUT_BYTES) throw outputTooLarge("The build's output", total, MAX_BUILD_OUTPUT_BYTES);
}
