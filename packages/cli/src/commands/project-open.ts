import type { Command } from "commander";
import { readConfig, selectAccount } from "../config-file";
import { info } from "../output";
import { ACCOUNT_FLAG, PROJECT_FLAG, projectName, projectPath } from "./project-session";

export function registerProjectOpen(project: Command): void {
  project
    .command("open")
    .description("print the project's page in the console")
    .option(...PROJECT_FLAG)
    .option(...ACCOUNT_FLAG)
    .action((flags: { project?: string; account?: string }) => {
      const account = selectAccount(readConfig(), flags.account);
      info(`${account.server}/developer-projects/${account.accountId}/project/${projectPath(projectName(flags))}`);
    });
}
