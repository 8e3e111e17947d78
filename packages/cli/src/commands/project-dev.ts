import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { parseDebounce } from "../options";
import { info } from "../output";
import { Progress } from "../progress";
import { openDevSession, pushToSession } from "../services/dev-session";
import { findProjectDir } from "../services/session";
import { watchProject } from "../services/watch";
import { pc } from "../terminal";

/**
 * `sprocket project dev`: opens a dev session for the project; on every save the server rebuilds only the card and
 * page bundles that read the saved files, and record and app pages open in the console mount them at once (they follow
 * GET /api/v1/record-cards/stream). No build is made per save; functions run from the deployed build. Ctrl-C ends
 * the session and the pages go back to the deployed build.
 */
export function registerProjectDev(project: Command): void {
  project
    .command("dev [dir]")
    .description("serve the project's cards and pages to open record pages from a dev session, rebuilt on every save (Ctrl-C to stop)")
    .option("--debounce <ms>", "wait this long after the last change", parseDebounce, 100)
    .option(...ACCOUNT_OPTION)
    .addHelpText("after", examples("sprocket project dev", "sprocket project dev ./my-project --account staging"))
    .action(async (dir: string | undefined, flags: { debounce: number; account?: string }) => {
      const projectDir = findProjectDir(dir ?? ".");
      const client = clientFor(flags);
      const { server, accountId } = client.account;
      const progress = new Progress(false);
      const session = await openDevSession(client, projectDir, progress);
      info(
        `Dev session ${session.sessionId} for ${pc.bold(session.projectName)} on ${server}: record pages (${server}/contacts/${accountId}/objects/0-1) show its cards until Ctrl-C.`,
      );
      try {
        await watchProject(
          projectDir,
          async (savedAt, changedFiles) => {
            const pushed = await pushToSession(client, session, projectDir, changedFiles);
            const shown = pushed.bundles.filter((b) => b.changed);
            for (const app of pushed.skippedApps)
              info(pc.yellow(`App ${app} is not deployed: its cards and pages show after \`sprocket project upload\`.`));
            const ms = Date.now() - savedAt;
            const took = `${changedFiles ? `${ms} ms after the save` : `${ms} ms after the start`} (server build ${pushed.buildMs} ms)`;
            info(
              shown.length
                ? `${pc.green("●")} ${shown.map((b) => `${b.uid} v${b.version}`).join(", ")} showing on open pages, ${took}.`
                : pc.dim(`No card or page changed, ${took}.`),
            );
          },
          { debounceMs: flags.debounce },
        );
      } finally {
        await session.close();
        info(`Dev session ${session.sessionId} closed: pages show the deployed build again.`);
      }
    });
}
