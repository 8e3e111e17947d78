import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, startServer, type ConfigInput, type RunningServer } from "@sprocket/server";

/**
 * A real Sprocket server on an embedded store in a temp dir, quiet, for one benchmark run: `env` holds its settings,
 * `options` what only code can pass (a baseline without API-call logging).
 */
export async function startBenchServer(
  env: NodeJS.ProcessEnv = {},
  options: Pick<ConfigInput, "recordApiCalls"> = {},
): Promise<RunningServer & { stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bench-"));
  const server = await startServer(loadConfig({ port: 0, dataDir, ...options }, { SPROCKET_LOG_LEVEL: "silent", ...env }));
  return {
    ...server,
    async stop() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
