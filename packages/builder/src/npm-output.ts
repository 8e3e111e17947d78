/**
 * npm's reason for a failed install, from its output. npm prints its error as `npm error ...` lines (npm 10+; `npm
 * ERR! ...` before), and for a usage error such as an out-of-step lock file it follows the reason with the command's
 * whole usage text: a log tail showed that text and lost the reason. Only the reason is kept.
 */
export interface NpmFailure {
  /** npm's error code (`ETARGET`, `EUSAGE`, `E404`), or "" when it printed none. */
  code: string;
  /** The reason, one line each, `npm error ` prefix kept so the user sees what npm said (at most MAX_REASON_LINES). */
  lines: string[];
  /** What npm listed as the lock file's mismatches (`Missing: x@1 from lock file`, `Invalid: ...`), all of them. */
  mismatches: string[];
  /** The reason in one line without npm's prefixes, for a summary. */
  summary: string;
}

const ERROR_PREFIX = /^npm (?:error|ERR!)(?: |$)/;
const MAX_REASON_LINES = 12;

export function npmFailure(output: string): NpmFailure {
  const errorLines = output.split(/\r?\n/).filter((line) => ERROR_PREFIX.test(line));
  const bodies = errorLines.map((line) => line.replace(ERROR_PREFIX, "").trimEnd());
  // The usage text starts with the command's one-line description, a blank line and "Usage:"; cut before it.
  const usage = bodies.indexOf("Usage:");
  let end = bodies.length;
  if (usage > 0) {
    end = usage;
    while (end > 0 && bodies[end - 1] === "") end--;
    while (end > 0 && bodies[end - 1] !== "") end--;
  }
  const kept: string[] = [];
  for (let i = 0; i < end; i++) {
    const body = bodies[i]!;
    // The debug log's path is the server's (npm's home), and the user cannot read it anyway.
    if (body === "" || body.startsWith("A complete log of this run can be found in") || body.startsWith("Log files were not written"))
      continue;
    kept.push(errorLines[i]!.trimEnd());
  }
  const code = /^code (\S+)/.exec(bodies.find((body) => body.startsWith("code ")) ?? "")?.[1] ?? "";
  const lines =
    kept.length > MAX_REASON_LINES
      ? [...kept.slice(0, MAX_REASON_LINES - 1), `npm error ... (${kept.length - MAX_REASON_LINES + 1} more lines)`]
      : kept;
  const bodiesKept = kept.map((line) => line.replace(ERROR_PREFIX, ""));
  const reason = bodiesKept.filter((body) => !body.startsWith("code "));
  const summary = (reason[0] ?? "").replace(/^(notarget|404)\s+/, "").trim();
  return { code, lines, mismatches: bodiesKept.filter((body) => /^(Missing|Invalid):/.test(body)), summary };
}

/** npm ci refused the lock file because it does not match package.json (npm's EUSAGE "in sync" message). */
export function isLockOutOfStep(failure: NpmFailure): boolean {
  return failure.code === "EUSAGE" && failure.lines.some((line) => line.includes("in sync"));
}

/** A version the install asked for is not on the registry: no such version (ETARGET), or no such tarball (E404). */
export function isNotOnRegistry(failure: NpmFailure): boolean {
  return failure.code === "ETARGET" || failure.code === "E404";
}

/** Replaces each server path in `text` with what the user knows it as (longest first, so nested paths win). */
export function withoutServerPaths(text: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let result = text;
  for (const [path, shown] of [...replacements].filter(([path]) => path.length > 1).sort((a, b) => b[0].length - a[0].length)) {
    result = result.split(path).join(shown);
  }
  return result;
}
