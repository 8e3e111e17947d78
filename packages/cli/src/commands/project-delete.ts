import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok } from "../output";
import { confirm } from "../prompt";
import { PROJECT_OPTION, projectName, projectPath } from "../services/session";

export function registerProjectDelete(project: Command): void {
  project
    .command("delete")
    .description("delete the project, its builds and its deployed apps (their tokens stop working)")
    .option("--force", "do not ask for confirmation")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project delete", "sprocket project delete --project my-project --force"))
    .action(async (flags: { force?: boolean; project?: string; account?: string }) => {
      const name = await projectName(flags);
      if (!flags.force) {
        if (!process.stdin.isTTY)
          throw new CliError("Deleting a project removes its apps. Pass --force to confirm when not running interactively.", 2);
        if (!(await confirm(`Type the project's name (${name}) to delete it and its apps: `, name))) throw new CliError("Not deleted.");
      }
      await clientFor(flags).call("DELETE", `/developer/projects/v1/${projectPath(name)}`);
      ok(`Deleted project ${name}.`);
    });
}
