import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BuildError, type BuildProblem } from "./build-error";

/**
 * The uid and gid a build runs under when the server is root: one of its own, which owns nothing of the server's and
 * so cannot read the data dir (0700) or anything else private to root. The confinement plugin holds either way; this
 * covers what the plugin cannot see (esbuild's own reads of package.json and tsconfig files while resolving).
 */
export interface BuildIdentity {
  uid: number;
  gid: number;
}

/**
 * The bundle worker, compiled to plain CommonJS in packages/builder/dist by `npm run build` (which `npm install` runs,
 * and the test run before its suites; see rolldown.config.ts), as the runtime's runner scripts are: the worker runs
 * under the build's uid and must not need tsx. esbuild stays external (its binary is found beside its package).
 */
function workerFile(): string {
  // Resolved here, not at load: the worker itself is this module compiled to CommonJS, where import.meta is empty.
  const file = fileURLToPath(new URL("../dist/bundle-worker.cjs", import.meta.url));
  if (!existsSync(file)) throw new Error(`The build worker ${file} is missing: run \`npm run build\` (npm install does).`);
  return file;
}

/** What the worker is asked to do: bundleFunction's or bundleCard's options, without runAs. */
export interface WorkerRequest {
  kind: "function" | "card";
  options: Record<string, unknown>;
}

/**
 * Runs one bundle in a child Node under `runAs`, with an empty environment; resolves to the bundle function's result,
 * rejects with the same BuildError it would have thrown.
 */
export function bundleInSandbox<T>(request: WorkerRequest, runAs: BuildIdentity): Promise<T> {
  const worker = workerFile();
  return new Promise((resolve, reject) => {
    // Only PATH of the server's environment passes to the worker (the child's own environment, not a setting).
    const child = spawn(process.execPath, [worker], {
      stdio: ["pipe", "pipe", "pipe"],
      // eslint-disable-next-line no-restricted-properties -- the child's own environment, as above
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      uid: runAs.uid,
      gid: runAs.gid,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-8192)));
    child.on("error", reject);
    child.on("close", (code) => {
      let answer: { result?: T; error?: { code: BuildError["code"]; message: string; problems: BuildProblem[] } };
      try {
        answer = JSON.parse(stdout) as typeof answer;
      } catch {
        reject(
          new Error(`The build worker (uid ${runAs.uid}) exited with code ${code}: ${stderr.trim().split("\n").slice(-5).join("\n")}`),
        );
        return;
      }
      if (answer.error) reject(new BuildError(answer.error.code, answer.error.message, answer.error.problems));
      else resolve(answer.result as T);
    });
    child.stdin.end(JSON.stringify(request));
  });
}
