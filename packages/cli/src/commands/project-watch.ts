import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { parseDebounce } from "../options";
import { Progress } from "../progress";
import { findProjectDir } from "../services/session";
import { uploadProject } from "../services/upload";
import { watchProject } from "../services/watch";

/** `sprocket project watch`: an upload on every save, deployed as an upload is (unless the project's automatic deploys are off). */
export function registerProjectWatch(project: Command): void {
  project
    .command("watch [dir]")
    .description("upload again whenever a file of the project changes (Ctrl-C to stop)")
    .option("--debounce <ms>", "wait this long after the last change", parseDebounce, 500)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project watch", "sprocket project watch ./my-project --debounce 1000"))
    .action(async (dir: string | undefined, flags: { debounce: number; account?: string }) => {
      const projectDir = findProjectDir(dir ?? ".");
      const client = clientFor(flags);
      const progress = new Progress(false);
      await watchProject(
        projectDir,
        () => uploadProject(client, projectDir, { message: "sprocket project watch", skipAutoDeploy: false, progress }),
        { debounceMs: flags.debounce },
      );
    });
}
