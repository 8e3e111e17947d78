import path from "node:path";
import { info, problem } from "../output";
import { pc } from "../terminal";

/**
 * What a change under `dir` is not: dependencies (node_modules), what local tools build (dist), and dotfiles and dot
 * folders (.git, editors' swap files), none of which is part of an upload's source.
 */
export function ignoredByWatch(dir: string): (file: string) => boolean {
  return (file) => /(^|[/\\])(node_modules|dist|\.[^/\\]+)([/\\]|$)/.test(path.relative(dir, file));
}

/**
 * Runs `onChange` once now (with no list of changed files), then again after each burst of changes under `dir` (a burst
 * ends `debounceMs` after its last change), with the time of that last change and the files changed since the last run. One run at a time: changes during a run lead to exactly one more.
 * A run that throws is reported and watching goes on. Returns on SIGINT or SIGTERM, once the run under way is done.
 */
export async function watchProject(
  dir: string,
  onChange: (changedAt: number, changedFiles?: string[]) => Promise<unknown>,
  opts: { debounceMs: number },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  /** When the change still waiting for a run happened. */
  let waiting: number | undefined;
  /** Files changed since the last run started; undefined before the first run, which has no list. */
  let changed: Set<string> | undefined;
  let running: Promise<void> | undefined;
  const runWhileWaiting = async () => {
    while (waiting !== undefined) {
      const changedAt = waiting;
      const files = changed && [...changed];
      waiting = undefined;
      changed = new Set();
      try {
        await onChange(changedAt, files);
      } catch (e) {
        problem((e as Error).message);
      }
      info(pc.dim(`Watching ${dir} for changes…`));
    }
    running = undefined;
  };
  const run = (changedAt: number) => {
    waiting = changedAt;
    running ??= runWhileWaiting();
  };

  const { watch } = await import("chokidar");
  const watcher = watch(dir, { ignoreInitial: true, ignored: ignoredByWatch(dir) });
  watcher.on("all", (_event, file) => {
    const changedAt = Date.now();
    changed?.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => run(changedAt), opts.debounceMs);
  });
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  run(Date.now());
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  clearTimeout(timer);
  await watcher.close();
  await running;
}
