/** Stable codes for a build step that failed because of the project; the server puts them in the build's sub-status. */
export type BuildErrorCode =
  "BUILD_INVALID_PACKAGE_JSON" | "BUILD_DEPENDENCY_INSTALL_FAILED" | "BUILD_BUNDLE_FAILED" | "BUILD_OUTPUT_TOO_LARGE";

/** One compiler message, located in the project. */
export interface BuildProblem {
  /** Relative to the root the caller gave, `/`-separated; empty when esbuild gave no location. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  message: string;
}

export class BuildError extends Error {
  override readonly name = "BuildError";
  constructor(
    readonly code: BuildErrorCode,
    message: string,
    readonly problems: BuildProblem[] = [],
  ) {
    super(message);
  }
}
