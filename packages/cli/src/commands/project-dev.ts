import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { parseDebounce } from "../options";
import { info } from "../output";
import { Progress } from "../progress";
import { findProjectDir } from "../services/session";
import { uploadProject } from "../services/upload";
import { watchProject } from "../services/watch";
import { pc } from "../terminal";

/**
 * `sprocket project dev`: every save is validated, built and deployed, and record pages open in the console mount the
 * new build of a changed card as soon as it is live (they follow GET /api/v1/record-cards/stream). Unlike `watch`, it
 * deploys even when the project's automatic deploys are off, and says how long a save took to go live.
 */
export function registerProjectDev(project: Command): void {
  project
    .command("dev [dir]")
    .description("build and deploy on every save; open record pages reload the changed cards (Ctrl-C to stop)")
    .option("--debounce <ms>", "wait this long after the last change", parseDebounce, 100)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project dev", "sprocket project dev ./my-project --account staging"))
    .action(async (dir: string | undefined, flags: { debounce: number; account?: string }) => {
      const projectDir = findProjectDir(dir ?? ".");
      const client = clientFor(flags);
      const { server, accountId } = client.account;
      const progress = new Progress(false);
      info(`Developing ${pc.bold(projectDir)} on ${server}. Record pages: ${server}/contacts/${accountId}/objects/0-1`);
      await watchProject(
        projectDir,
        async (savedAt) => {
          const { build } = await uploadProject(client, projectDir, {
            message: "sprocket project dev",
            skipAutoDeploy: false,
            alwaysDeploy: true,
            progress,
          });
          info(
            `${pc.green("●")} Build #${build.buildId} is live, ${Date.now() - savedAt} ms after the save. Open record pages reload its cards.`,
          );
        },
        { debounceMs: flags.debounce },
      );
    });
}
