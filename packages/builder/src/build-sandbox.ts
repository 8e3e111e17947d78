import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
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
 * Compiles the bundle worker to plain CommonJS in packages/builder/dist (git-ignored) when it is missing or older than
 * its sources, as the runtime does for its runners: the worker runs under the build's uid and must not need tsx.
 * esbuild stays external (its binary is found beside its package). Written to a temporary name and renamed, so a
 * parallel server never runs a half-written file.
 */
function ensureWorker(): string {
  // Resolved here, not at load: the worker itself is this module compiled to CommonJS, where import.meta is empty.
  const sourceDir = fileURLToPath(new URL(".", import.meta.url));
  const workerFile = fileURLToPath(new URL("../dist/bundle-worker.cjs", import.meta.url));
  const newest = Math.max(...["bundle-worker.ts", "bundle-function.ts", "bundle-card.ts", "esbuild-run.ts", "build-confinement.ts", "project-tsconfig.ts", "source-map-scope.ts", "output-limits.ts", "host-globals-plugin.ts", "build-error.ts"].map((f) => statSync(path.join(sourceDir, f)).mtimeMs));
  const current = (() => {
    try {
      return statSync(workerFile).mtimeMs >= newest;
    } catch {
      return false;
    }
  })();
  if (current) return workerFile;
  mkdirSync(path.dirname(workerFile), { recursive: true });
  chmodSync(path.dirname(workerFile), 0o755);
  const result = buildSync({ entryPoints: [path.join(sourceDir, "bundle-worker.ts")], bundle: true, platform: "node", format: "cjs", target: "node20", external: ["esbuild"], write: false, logLevel: "silent" });
  const temporary = `${workerFile}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0]!.contents, { mode: 0o644 });
  renameSync(temporary, workerFile);
  return workerFile;
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
  const worker = ensureWorker();
  return new Promise((resolve, reject) => {
    // Only PATH of the server's environment passes to the worker (the child's own environment, not a setting).
    // eslint-disable-next-line no-restricted-properties
    const child = spawn(process.execPath, [worker], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, uid: runAs.uid, gid: runAs.gid });
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
        reject(new Error(`The build worker (uid ${runAs.uid}) exited with code ${code}: ${stderr.trim().split("\n").slice(-5).join("\n")}`));
        return;
      }
      if (answer.error) reject(new BuildError(answer.error.code, answer.error.message, answer.error.problems));
      else resolve(answer.result as T);
    });
    child.stdin.end(JSON.stringify(request));
  });
}
