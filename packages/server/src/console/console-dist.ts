import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { FastifyBaseLogger } from "fastify";

/** The console package (a sibling workspace) and what `npm run build -w @sprocket/console` writes. */
export const consolePackageDir = fileURLToPath(new URL("../../../console/", import.meta.url));
export const consoleAppDir = `${consolePackageDir}dist/app/`;
export const extensionHostDir = `${consolePackageDir}dist/extension-host/`;

const built = () => existsSync(`${consoleAppDir}index.html`) && existsSync(`${extensionHostDir}worker.js`);

/**
 * `npm install` builds the console (postinstall); a checkout that skipped it is built on first start.
 * Returns why the console cannot be served, or undefined when it can.
 */
export async function ensureConsoleBuilt(log: FastifyBaseLogger): Promise<string | undefined> {
  if (built()) return undefined;
  log.info("Building the web console (first start)…");
  try {
    await promisify(execFile)("npm", ["run", "build"], { cwd: consolePackageDir, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const message = `The web console could not be built: ${(error as Error).message}. Run \`npm run build -w @sprocket/console\`.`;
    log.error(message);
    return message;
  }
  return built() ? undefined : "The web console build did not produce dist/app/index.html.";
}
