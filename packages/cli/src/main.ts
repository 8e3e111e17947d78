import { CommanderError } from "commander";
import { CliError } from "./cli-error";
import { problem } from "./output";
import { createProgram } from "./program";

try {
  await createProgram().parseAsync(process.argv);
} catch (e) {
  process.exitCode = exitCodeFor(e);
}

/** 0 success, 1 failure, 2 usage error. */
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
