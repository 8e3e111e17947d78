import type { WriteStream } from "node:tty";
import picocolors from "picocolors";

// What the CLI prints adapts to where it goes. A person at a terminal gets colour and spinners; a pipe or a file gets
// plain lines, with no escape codes to strip; a terminal that reports 0 columns (the pseudo-terminals of some CI
// runners and editor consoles) gets colour but no spinner, whose redraw divides by the width.

/** What the choices read of a stream: a terminal has both (a pipe, a file or a buffer neither). */
export type TerminalTraits = Partial<Pick<WriteStream, "isTTY" | "columns">>;

/**
 * NO_COLOR (no-color.org) turns colour off and FORCE_COLOR on ("0" and "false" count as off); otherwise only a
 * terminal that is not "dumb" gets colour. Unlike picocolors' own choice, CI does not turn it on for a pipe.
 */
// eslint-disable-next-line no-restricted-properties -- the terminal's own conventions (NO_COLOR, FORCE_COLOR, TERM, CI), not settings of ours
export function wantsColour(stream: TerminalTraits, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** A spinner redraws its line in place: only on a terminal that says how wide it is, and not in a CI log. */
// eslint-disable-next-line no-restricted-properties -- as above
export function canAnimate(stream: TerminalTraits, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0 && env.TERM !== "dumb" && !env.CI;
}

/** Colours for what goes to standard output. */
export const pc = picocolors.createColors(wantsColour(process.stdout));
/** Colours for what goes to standard error, which may go elsewhere than standard output. */
export const pcErr = picocolors.createColors(wantsColour(process.stderr));
