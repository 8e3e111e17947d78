import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok } from "../output";
import { PROJECT_OPTION, projectName, projectPath } from "../services/session";

export function registerProjectDownload(project: Command): void {
  project
    .command("download")
    .description("download a build's source (hsproject.json and src/) into a new folder")
    .requiredOption("--build <number>", "the build to download")
    .option("--dest <dir>", "the folder to create (default ./<project>-build-<N>)")
    .option(...PROJECT_OPTION)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project download --build 2", "sprocket project download --project my-project --build 2 --dest ./restored"))
    .action(async (flags: { build: string; dest?: string; project?: string; account?: string }) => {
      if (!/^\d+$/.test(flags.build)) throw new CliError(`--build must be a build number (got "${flags.build}").`, 2);
      const name = await projectName(flags);
      const zip = await clientFor(flags).call<Buffer>("GET", `/dfs/v1/projects/${projectPath(name)}/builds/${flags.build}/archive-full`, { raw: true });
      const dest = path.resolve(flags.dest ?? `${name}-build-${flags.build}`);
      // The same checks as an upload: the archive cannot write outside dest.
      const { unpackZip } = await import("@sprocket/builder");
      // The archive holds one folder named for the project (as HubSpot's does); its contents become dest.
      const staging = `${dest}.unpacking`;
      const { files } = await unpackZip(zip, staging).catch((e: Error) => {
        throw new CliError(`Cannot unpack into ${dest}: ${e.message}`);
      });
      const [root] = await readdir(staging);
      await rename(path.join(staging, root!), dest).catch((e: Error) => {
        throw new CliError(`Cannot move the download into ${dest}: ${e.message}`);
      });
      await rm(staging, { recursive: true, force: true });
      ok(`Downloaded build #${flags.build} of ${name} into ${dest} (${files.length} files).`);
    });
}
