import { Command } from "commander";
import { registerAccounts, registerAuth } from "./commands/auth";
import { registerAdmin } from "./commands/admin";
import { registerProjectValidate } from "./commands/project-validate";
import { registerProjectCreate } from "./commands/project-create";
import { registerProjectMigrate } from "./commands/project-migrate";
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
import { registerConnectedApps } from "./commands/connected-apps";
import { registerFunction } from "./commands/function-run";
import { registerLogs } from "./commands/logs";
import { registerWorkflows } from "./commands/workflows";
import { examples } from "./examples";
import { streams } from "./streams";
import { version } from "./version";

/** Every command of the CLI, registered on a new program (parsed by main.ts; walked by the help test). */
export function createProgram(): Command {
  const program = new Command("sprocket")
    .description("Sprocket: build, deploy and run private CRM apps on your own server")
    .version(version, "-v, --version")
    .showHelpAfterError()
    .exitOverride()
    // Help, versions and usage errors go where the commands write (commander's own default is process.stdout/stderr).
    .configureOutput({ writeOut: (text) => void streams.out.write(text), writeErr: (text) => void streams.err.write(text) })
    .addHelpText(
      "after",
      examples(
        "sprocket server start",
        "sprocket auth --server http://127.0.0.1:3900",
        "sprocket project create my-project && cd my-project && sprocket project dev",
      ),
    );

  registerServer(program);
  registerAuth(program);
  registerAccounts(program);
  registerAdmin(program);
  registerApps(program);
  registerConnectedApps(program);
  registerSecrets(program);
  registerFunction(program);
  registerLogs(program);
  registerWorkflows(program);
  const project = program
    .command("project")
    .description("work with projects: validate, upload, deploy, builds")
    .addHelpText("after", examples("sprocket project upload", "sprocket project list-builds", "sprocket project deploy --build 3"));
  registerProjectValidate(project);
  registerProjectCreate(project);
  registerProjectMigrate(project);
  registerProjectUpload(project);
  registerProjectDeploy(project);
  registerProjectListBuilds(project);
  registerProjectWatch(project);
  registerProjectDev(project);
  registerProjectDownload(project);
  registerProjectDelete(project);
  registerProjectOpen(project);
  return program;
}
