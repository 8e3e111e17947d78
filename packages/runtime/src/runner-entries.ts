import { chmodSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

export interface RunnerEntries {
  /** The child's main script. */
  entry: string;
  /** The `--require` preload that guards the network and routes HubSpot API calls. */
  preload: string;
}

const sourceDir = fileURLToPath(new URL(".", import.meta.url));
const distDir = fileURLToPath(new URL("../dist/", import.meta.url));

/**
 * Compiles the child scripts to plain CommonJS in packages/runtime/dist (git-ignored) when they
 * are missing or older than their sources. The child must not go through tsx: a runner starts
 * cold for every new build and after every failure, and tsx's loader would add its own startup
 * time and need read access to node_modules outside the build folder (which the permission
 * model forbids). Output is written to a temporary name and renamed, so parallel pools in
 * other processes never see a half-written file.
 */
export function ensureRunnerEntries(): RunnerEntries {
  const entries: RunnerEntries = {
    entry: path.join(distDir, "child-entry.cjs"),
    preload: path.join(distDir, "preload.cjs"),
  };
  const newestSource = Math.max(
    ...["call-main.ts", "child-protocol.ts", "frames.ts", "invocation.ts", ...readdirSync(path.join(sourceDir, "child")).map((f) => `child/${f}`)].map(
      (file) => statSync(path.join(sourceDir, file)).mtimeMs,
    ),
  );
  const stale = Object.values(entries).some((file) => {
    try {
      return statSync(file).mtimeMs < newestSource;
    } catch {
      return true;
    }
  });
  if (!stale) return entries;

  mkdirSync(distDir, { recursive: true });
  // Every account's runner user must be able to read these files (they hold no secret).
  chmodSync(distDir, 0o755);
  for (const [source, outfile] of [
    ["child/entry.ts", entries.entry],
    ["child/preload.ts", entries.preload],
  ] as const) {
    const result = buildSync({
      entryPoints: [path.join(sourceDir, source)],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    const temporary = `${outfile}.${process.pid}.tmp`;
    writeFileSync(temporary, result.outputFiles[0]!.contents, { mode: 0o644 });
    renameSync(temporary, outfile);
  }
  return entries;
}
