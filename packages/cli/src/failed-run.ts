import type { pc } from "./terminal";
import { terminalText } from "./terminal-text";

/** What explains a failed function run: the lines it logged, then the frames of its (source-mapped) stack. */
export interface FailedRunText {
  logs: string[];
  stack: string | null | undefined;
}

/**
 * The run's log lines dimmed, then its stack's frames in red, each line prefixed with `indent`. A stack's first lines
 * are its message, which the caller prints already; the frames are its indented lines. `colours` are those of the stream
 * the lines go to.
 */
export function failedRunLines(run: FailedRunText, colours: typeof pc, indent = ""): string[] {
  const shown = (value: string) => terminalText(value, { multiline: true }).split("\n");
  const logs = run.logs.flatMap(shown).map((line) => `${indent}${colours.dim(line)}`);
  const frames = (run.stack ?? "").split("\n").filter((line) => /^\s/.test(line));
  return [...logs, ...frames.flatMap(shown).map((line) => `${indent}${colours.red(line)}`)];
}
