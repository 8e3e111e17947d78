import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { printJson } from "../output";
import { Progress } from "../progress";
import { deployBuild, type BuildView } from "../services/pipeline";
import { PROJECT_OPTION, projectName, projectPath } from "../services/session";

export function registerProjectDeploy(project: Command): void {
  project
    .command("deploy")
    .description("deploy a build: the latest successful one, or --build N (an earlier build rolls back to it)")
    .option("--build <number>", "the build to deploy")
    .option("--force", "deploy even when it removes apps, cards or functions")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the deploy as JSON")
    .addHelpText("after", examples("sprocket project deploy", "sprocket project deploy --build 3    # roll back to build 3", "sprocket project deploy --project my-project --force --json"))
    .action(async (flags: { build?: string; force?: boolean; project?: string; account?: string; json?: boolean }) => {
      const client = clientFor(flags);
      const name = await projectName(flags);
      let buildId: number;
      if (flags.build !== undefined) {
        if (!/^\d+$/.test(flags.build)) throw new CliError(`--build must be a build number (got "${flags.build}").`, 2);
        buildId = Number(flags.build);
      } else {
        const { results } = await client.call<{ results: BuildView[] }>("GET", `/dfs/v1/projects/${projectPath(name)}/builds`, { query: { limit: 100 } });
        const latest = results.find((b) => b.status === "SUCCESS");
        if (!latest) throw new CliError(`Project "${name}" has no successful build to deploy. Run \`sprocket project upload\`.`);
        buildId = latest.buildId;
      }
      const deploy = await deployBuild(client, name, buildId, flags.force === true, new Progress(flags.json === true));
      if (flags.json) printJson(deploy);
    });
}
