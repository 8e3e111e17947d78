import { withoutServerPaths } from "@sprocket/builder";
import type { Subtask } from "./subtasks";

/**
 * Every message of a finished build with the server's own folders taken out: the unpacked source becomes the project
 * path the user knows (`app/app.functions/...`), the rest a name. The builder already speaks in project paths; this is
 * the net for a message it did not shape (an npm line, a Node error), so no build tells a user where the server keeps
 * its scratch, its dependency cache or its data.
 */
export function withoutBuildPaths(subtasks: Subtask[], warnings: string[], error: string | null, folders: BuildFolders) {
  const replacements: Array<readonly [string, string]> = [
    [`${folders.srcDir}/`, ""],
    [folders.srcDir, "."],
    [folders.work, "(build)"],
    [folders.workDir, "(builds)"],
    [folders.depsCacheDir, "(dependency cache)"],
    [folders.dataDir, "(data dir)"],
  ];
  const clean = (text: string) => withoutServerPaths(text, replacements);
  return {
    subtasks: subtasks.map((s) => ({
      ...s,
      errorMessage: clean(s.errorMessage),
      errors: s.errors.map((e) => ({ ...e, message: clean(e.message), ...(e.file ? { file: clean(e.file) } : {}) })),
      ...(s.warnings ? { warnings: s.warnings.map(clean) } : {}),
    })),
    warnings: warnings.map(clean),
    error: error === null ? null : clean(error),
  };
}

export interface BuildFolders {
  srcDir: string;
  work: string;
  workDir: string;
  depsCacheDir: string;
  dataDir: string;
}
