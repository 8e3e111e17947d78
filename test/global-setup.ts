// Before any suite: compiles every package's dist/ from the current sources (as `npm run build` does, but the console).
// Suites import the sources themselves; what they start as a separate process runs the compiled code, as in production:
// the sprocket CLI and servers the CLI and e2e suites spawn, and the scripts child processes run under other uids (the
// function runner's, the build worker), which no loader could reach (see rolldown.config.ts). So a developer who
// changed a package since `npm install` never tests the old code; a dist/ the stamp shows to be the build of these very
// sources (scripts/dist-stamp.ts: `npm install` has just built it, or the last run did) is not built again.
import { packageBuild } from "../rolldown.config";
import { buildStamped, isStampCurrent } from "../scripts/dist-stamp";

declare global {
  // Vitest runs the global set-up once for the root and once for each project, at the same time, in one process.
  var sprocketDistReady: Promise<unknown> | undefined;
}

export default async function setup(): Promise<void> {
  globalThis.sprocketDistReady ??= isStampCurrent(packageBuild) ? Promise.resolve() : buildStamped(packageBuild);
  await globalThis.sprocketDistReady;
}
