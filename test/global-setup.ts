// Before any suite: compiles every package's dist/ from the current sources (as `npm run build` does, but the console).
// Suites import the sources themselves; what they start as a separate process runs the compiled code, as in production:
// the sprocket CLI and servers the CLI and e2e suites spawn, and the scripts child processes run under other uids (the
// function runner's, the build worker), which no loader could reach (see rolldown.config.ts). So a developer who
// changed a package since `npm install` never tests the old code.
import { build } from "rolldown";
import { builds } from "../rolldown.config";

export default async function setup(): Promise<void> {
  await build(builds);
}
