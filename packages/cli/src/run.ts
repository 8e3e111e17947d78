import { CommanderError } from "commander";
import { CliError } from "./cli-error";
import { problem } from "./output";
import { createProgram } from "./program";

/**
 * Runs one command line (`argv` as process.argv holds it: node, script, arguments) and resolves to its exit code:
 * 0 success, 1 failure, 2 usage error. What it prints goes to `streams` (streams.ts).
 */
export async function run(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    // A command that printed its result and still failed (validation errors, a failed workflow action) says so here.
    return Number(process.exitCode ?? 0);
  } catch (e) {
    return exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return 2;
  }
  if (e instanceof CliError) {
    problem(e.message);
    return e.exitCode;
  }
  if (e && typeof e === "object" && (e as { name?: string }).name === "ConfigError") {
    problem((e as Error).message);
    return 2;
  }
  problem(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return 1;
}
