import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { info } from "../output";
import { ACCOUNT_FLAG, clientFor, findLocalProject } from "./project-session";
import { Progress } from "./project-pipeline";
import { uploadProject } from "./project-upload";

export function registerProjectWatch(project: Command): void {
  project
    .command("watch [dir]")
    .description("upload again whenever a file of the project changes (Ctrl-C to stop)")
    .option("--debounce <ms>", "wait this long after the last change", "500")
    .option(...ACCOUNT_FLAG)
    .action(async (dir: string | undefined, flags: { debounce: string; account?: string }) => {
      const local = findLocalProject(dir ?? ".");
      const client = clientFor(flags);
      const debounceMs = Math.max(0, Number(flags.debounce) || 0);
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      let pending = false;
      // One upload at a time; changes during an upload lead to exactly one more.
      const run = () => {
        pending = false;
        running = running.then(async () => {
          try {
            await uploadProject(client, local, { message: "sprocket project watch", skipAutoDeploy: false, progress: new Progress(false) });
          } catch (e) {
            process.stderr.write(`${pc.red("✖")} ${(e as Error).message}\n`);
          }
          info(pc.dim(`Watching ${local.dir} for changes…`));
        });
      };
      const schedule = () => {
        pending = true;
        clearTimeout(timer);
        timer = setTimeout(() => pending && run(), debounceMs);
      };
      const ignored = (p: string) => /(^|[/\\])(node_modules|\.[^/\\]+)([/\\]|$)/.test(path.relative(local.dir, p));
      const { watch } = await import("chokidar");
      const watcher = watch(local.dir, { ignoreInitial: true, ignored });
      watcher.on("all", schedule);
      await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
      run();
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      await watcher.close();
      await running;
    });
}
