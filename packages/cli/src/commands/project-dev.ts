import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { CliError } from "../cli-error";
import { info } from "../output";
import { ACCOUNT_FLAG, clientFor, findLocalProject } from "./project-session";
import { Progress, deployBuild } from "./project-pipeline";
import { uploadProject } from "./project-upload";

/**
 * `sprocket project dev`: every save is validated, built and deployed, and record pages open in the console mount the
 * new build of a changed card as soon as it is live (they follow GET /api/v1/record-cards/stream). Unlike `watch`, it
 * deploys even when the project's automatic deploys are off, and says how long a save took to go live.
 */
export function registerProjectDev(project: Command): void {
  project
    .command("dev [dir]")
    .description("build and deploy on every save; open record pages reload the changed cards (Ctrl-C to stop)")
    .option("--debounce <ms>", "wait this long after the last change", "100")
    .option(...ACCOUNT_FLAG)
    .action(async (dir: string | undefined, flags: { debounce: string; account?: string }) => {
      const local = findLocalProject(dir ?? ".");
      const client = clientFor(flags);
      const debounceMs = Number(flags.debounce);
      if (!Number.isFinite(debounceMs) || debounceMs < 0) throw new CliError(`--debounce must be a number of milliseconds (got "${flags.debounce}").`, 2);
      const progress = new Progress(false);
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      let queued = false;

      const deploy = async (savedAt: number) => {
        try {
          const { build, deploy } = await uploadProject(client, local, { message: "sprocket project dev", skipAutoDeploy: false, progress });
          // Automatic deploys are off for this project (or were skipped): dev deploys anyway.
          if (!deploy) await deployBuild(client, local.name, build.buildId, false, progress);
          info(`${pc.green("●")} Build #${build.buildId} is live, ${Date.now() - savedAt} ms after the save. Open record pages reload its cards.`);
        } catch (e) {
          process.stderr.write(`${pc.red("✖")} ${(e as Error).message}\n`);
        }
        info(pc.dim(`Watching ${local.dir} for changes…`));
      };
      // One deploy at a time; saves during a deploy lead to exactly one more.
      const run = (savedAt: number) => {
        queued = false;
        running = running.then(() => deploy(savedAt));
      };
      const schedule = () => {
        const savedAt = Date.now();
        queued = true;
        clearTimeout(timer);
        timer = setTimeout(() => queued && run(savedAt), debounceMs);
      };

      const ignored = (p: string) => /(^|[/\\])(node_modules|dist|\.[^/\\]+)([/\\]|$)/.test(path.relative(local.dir, p));
      const { watch } = await import("chokidar");
      const watcher = watch(local.dir, { ignoreInitial: true, ignored });
      watcher.on("all", schedule);
      await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
      info(`Developing ${pc.bold(local.name)} on ${client.account.server}. Record pages: ${client.account.server}/contacts/${client.account.accountId}/objects/0-1`);
      run(Date.now());
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      clearTimeout(timer);
      await watcher.close();
      await running;
    });
}
