import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The console package (a dependency, found the way Node finds any) and what its build writes there. */
const consolePackageDir = path.dirname(createRequire(import.meta.url).resolve("@sprocket/console/package.json"));
export const consoleAppDir = path.join(consolePackageDir, "dist", "app") + path.sep;
export const extensionHostDir = path.join(consolePackageDir, "dist", "extension-host") + path.sep;
/** The console's server render of a first screen (its Vite SSR build), imported when a page first needs it. */
export const serverRenderFile = path.join(consolePackageDir, "dist", "ssr", "server-render.js");

/**
 * `npm install` builds the console (the root postinstall); the server never builds it. Returns why the console cannot
 * be served, or undefined when it can.
 */
export function consoleBuildProblem(): string | undefined {
  if (existsSync(`${consoleAppDir}index.html`) && existsSync(`${extensionHostDir}worker.js`)) return undefined;
  return `The web console is not built (${consolePackageDir}${path.sep}dist): run \`npm run build\` (npm install does).`;
}
