import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { CliError } from "./cli-error";
import { registerAccounts, registerAuth } from "./commands/auth";
import { registerAdmin } from "./commands/admin";
import { registerProjectValidate } from "./commands/project-validate";
import { registerServer } from "./commands/server-start";
import { version } from "./version";

const program = new Command("sprocket")
  .description("Sprocket: build, deploy and run private CRM apps on your own server")
  .version(version, "-v, --version")
  .showHelpAfterError()
  .exitOverride();

registerServer(program);
registerAuth(program);
registerAccounts(program);
registerAdmin(program);
const project = program.command("project").description("work with projects: validate, upload, deploy, builds");
registerProjectValidate(project);

try {
  await program.parseAsync(process.argv);
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
    process.stderr.write(`${pc.red("✖")} ${e.message}\n`);
    return e.exitCode;
  }
  if (e && typeof e === "object" && (e as { name?: string }).name === "ConfigError") {
    process.stderr.write(`${pc.red("✖")} ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`${pc.red("✖")} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
