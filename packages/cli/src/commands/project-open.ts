import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { info } from "../output";
import { PROJECT_OPTION, projectName, projectPath } from "../services/session";

export function registerProjectOpen(project: Command): void {
  project
    .command("open")
    .description("print the project's page in the console")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project open", "sprocket project open --project my-project --account staging"))
    .action(async (flags: { project?: string; account?: string }) => {
      const { account } = clientFor(flags);
      info(`${account.server}/developer-projects/${account.accountId}/project/${projectPath(await projectName(flags))}`);
    });
}
