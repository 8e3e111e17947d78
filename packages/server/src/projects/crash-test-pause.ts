/**
 * Crash-safety tests kill the server while a build or a deploy is in a known place. With
 * SPROCKET_TEST_PAUSE_AT=build|deploy the job logs that it has arrived and waits SPROCKET_TEST_PAUSE_MS there.
 */
export async function crashTestPause(point: "build" | "deploy", log: { warn(obj: object, msg: string): void }): Promise<void> {
  if (process.env.SPROCKET_TEST_PAUSE_AT !== point) return;
  log.warn({ point }, "crash-test pause");
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SPROCKET_TEST_PAUSE_MS ?? 30_000)));
}
