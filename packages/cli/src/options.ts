import { CliError } from "./cli-error";

// Parsers of option values that several commands share (commander's argParser). A bad value is a usage error (exit 2)
// that names the option; it is thrown while the arguments are parsed, before the command does anything.

/** `--debounce <ms>`: a number of milliseconds, 0 or more. */
export function parseDebounce(value: string): number {
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) throw new CliError(`--debounce must be a number of milliseconds (got "${value}").`, 2);
  return ms;
}

/** `--build <number>`: a build number. */
export function parseBuildNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`--build must be a build number (got "${value}").`, 2);
  return Number(value);
}
