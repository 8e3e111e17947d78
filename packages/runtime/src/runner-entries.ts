import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface RunnerEntries {
  /** The child's main script. */
  entry: string;
  /** The `--require` preload that guards the network and routes HubSpot API calls. */
  preload: string;
}

/**
 * The child scripts, compiled from child/ to plain CommonJS in packages/runtime/dist by `npm run build` (which
 * `npm install` runs, and the test run before its suites; see rolldown.config.ts). The child must not go through tsx: a
 * runner starts cold for every new build and after every failure, and tsx's loader would add its own startup time and
 * need read access to node_modules outside dist/ (which the permission model forbids). The path holds from src/ and
 * from dist/ alike.
 */
export function runnerEntries(): RunnerEntries {
  const entries: RunnerEntries = {
    entry: fileURLToPath(new URL("../dist/child-entry.cjs", import.meta.url)),
    preload: fileURLToPath(new URL("../dist/preload.cjs", import.meta.url)),
  };
  const missing = Object.values(entries).find((file) => !existsSync(file));
  if (missing) throw new Error(`The function runner's script ${missing} is missing: run \`npm run build\` (npm install does).`);
  return entries;
}
