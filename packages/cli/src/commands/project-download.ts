import path from "node:path";
import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { parseBuildNumber } from "../options";
import { ok } from "../output";
import { downloadBuild } from "../services/download";
import { PROJECT_OPTION, projectName } from "../services/session";

export function registerProjectDownload(project: Command): void {
  project
    .command("download")
    .description("download a build's source (hsproject.json and src/) into a new folder")
    .requiredOption("--build <number>", "the build to download", parseBuildNumber)
    .option("--dest <dir>", "the folder to create (default ./<project>-build-<N>)")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .addHelpText(
      "after",
      examples("sprocket project download --build 2", "sprocket project download --project my-project --build 2 --dest ./restored"),
    )
    .action(async (flags: { build: number; dest?: string; project?: string; account?: string }) => {
      const name = await projectName(flags);
      const dest = path.resolve(flags.dest ?? `${name}-build-${flags.build}`);
      const { files } = await downloadBuild(clientFor(flags), name, flags.build, dest);
      ok(`Downloaded build #${flags.build} of ${name} into ${dest} (${files} files).`);
    });
}
