import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { printJson } from "../output";
import { Progress } from "../progress";
import { findProjectDir } from "../services/session";
import { uploadProject } from "../services/upload";

export function registerProjectUpload(project: Command): void {
  project
    .command("upload [dir]")
    .description("validate, upload and build the project (and deploy it, unless auto-deploy is off)")
    .option("-m, --message <message>", "a message for this build", "")
    .option("--skip-auto-deploy", "build without deploying this once")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the build (and deploy) as JSON")
    .addHelpText(
      "after",
      examples(
        'sprocket project upload -m "new card"',
        "sprocket project upload ./my-project --skip-auto-deploy",
        "sprocket project upload --json > build.json",
      ),
    )
    .action(async (dir: string | undefined, flags: { account?: string; message: string; skipAutoDeploy?: boolean; json?: boolean }) => {
      const result = await uploadProject(clientFor(flags), findProjectDir(dir ?? "."), {
        message: flags.message,
        skipAutoDeploy: flags.skipAutoDeploy === true,
        progress: new Progress(flags.json === true),
      });
      if (flags.json) printJson(result);
    });
}
