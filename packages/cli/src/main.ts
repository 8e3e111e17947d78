import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { CliError } from "./cli-error";
import { registerAccounts, registerAuth } from "./commands/auth";
import { registerAdmin } from "./commands/admin";
import { registerProjectValidate } from "./commands/project-validate";
import { registerProjectCreate } from "./commands/project-create";
import { registerProjectUpload } from "./commands/project-upload";
import { registerProjectDeploy } from "./commands/project-deploy";
import { registerProjectListBuilds } from "./commands/project-list-builds";
import { registerProjectWatch } from "./commands/project-watch";
import { registerProjectDev } from "./commands/project-dev";
import { registerProjectDownload } from "./commands/project-download";
import { registerProjectDelete } from "./commands/project-delete";
import { registerProjectOpen } from "./commands/project-open";
import { registerServer } from "./commands/server-start";
import { registerApps } from "./commands/apps";
import { registerSecrets } from "./commands/secrets";
import { registerFunction } from "./commands/function-run";
import { registerLogs } from "./commands/logs";
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
registerApps(program);
registerSecrets(program);
registerFunction(program);
registerLogs(program);
const project = program.command("project").description("work with projects: validate, upload, deploy, builds");
registerProjectValidate(project);
registerProjectCreate(project);
registerProjectUpload(project);
registerProjectDeploy(project);
registerProjectListBuilds(project);
registerProjectWatch(project);
registerProjectDev(project);
registerProjectDownload(project);
registerProjectDelete(project);
registerProjectOpen(project);

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
