import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { parseBuildNumber } from "../options";
import { printJson } from "../output";
import { Progress } from "../progress";
import { deployBuild, latestSuccessfulBuild } from "../services/pipeline";
import { PROJECT_OPTION, projectName } from "../services/session";

export function registerProjectDeploy(project: Command): void {
  project
    .command("deploy")
    .description("deploy a build: the latest successful one, or --build N (an earlier build rolls back to it)")
    .option("--build <number>", "the build to deploy", parseBuildNumber)
    .option("--force", "deploy even when it removes apps, cards or functions")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the deploy as JSON")
    .addHelpText(
      "after",
      examples(
        "sprocket project deploy",
        "sprocket project deploy --build 3    # roll back to build 3",
        "sprocket project deploy --project my-project --force --json",
      ),
    )
    .action(async (flags: { build?: number; force?: boolean; project?: string; account?: string; json?: boolean }) => {
      const client = clientFor(flags);
      const name = await projectName(flags);
      const buildId = flags.build ?? (await latestSuccessfulBuild(client, name));
      const deploy = await deployBuild(client, name, buildId, flags.force === true, new Progress(flags.json === true));
      if (flags.json) printJson(deploy);
    });
}
