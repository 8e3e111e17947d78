import type { TestHooks } from "../config";

/**
 * Crash-safety tests kill the server while a build or a deploy is in a known place: with the crashPause test hook the
 * job logs that it has arrived and waits there. Only code sets test hooks (ConfigInput.testHooks), never a setting.
 */
export async function crashTestPause(
  hooks: TestHooks,
  point: "build" | "deploy",
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  if (hooks.crashPause?.at !== point) return;
  log.warn({ point }, "crash-test pause");
  await new Promise((resolve) => setTimeout(resolve, hooks.crashPause!.ms));
}
