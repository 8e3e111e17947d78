// `npm run build` (and so `npm install`): compiles every workspace package to plain JavaScript in its dist/, which is
// what the `sprocket` binary and the server run. Test suites and tsx scripts import the sources instead (the
// `sprocket-source` export condition; see vitest.config.ts), and the test run compiles these first (test/global-setup.ts).
// A workspace with a `build` script of its own (the console) builds itself.
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, defineConfig, type Plugin } from "rolldown";

const root = path.dirname(fileURLToPath(import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as { workspaces?: string[]; scripts?: Record<string, string> };

/** Packages and node builtins stay imports: each workspace package resolves its siblings through their own dist/. */
const external = /^[^./]/;

/**
 * One JavaScript module per TypeScript source, at the same place under dist/ as under src/: paths a module takes from
 * `import.meta.url` (the package.json, the CLI's templates, the built child entries) hold in both. Every source is an
 * entry, so a module nothing imports statically (a worker thread's) is compiled too.
 */
function packageModules(dir: string): BuildOptions {
  const src = path.join(dir, "src");
  const sources = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  return {
    input: Object.fromEntries(sources.map((f) => [f.slice(0, -".ts".length), path.join(src, f)])),
    external,
    platform: "node",
    transform: { target: "node20" },
    tsconfig: path.join(root, "tsconfig.base.json"),
    plugins: [copyAssets(src)],
    output: {
      dir: path.join(dir, "dist"),
      format: "esm",
      preserveModules: true,
      preserveModulesRoot: src,
      entryFileNames: "[name].js",
      chunkFileNames: "[name].js",
    },
  };
}

/** Files under src/ that are not TypeScript (the CLI's project templates) are copied beside the modules. */
function copyAssets(src: string): Plugin {
  return {
    name: "copy-assets",
    generateBundle() {
      for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
        const from = path.join(src, file);
        if (!file.endsWith(".ts") && statSync(from).isFile()) this.emitFile({ type: "asset", fileName: file, source: readFileSync(from) });
      }
    },
  };
}

/**
 * Scripts a child Node runs under another uid, with the permission model and no loader: one CommonJS file each, with
 * every import bundled in (it may read nothing outside its dist/), readable by every account's uid.
 */
export const sandboxScripts: BuildOptions[] = [
  sandboxScript("packages/runtime", "child/entry.ts", "child-entry.cjs"),
  sandboxScript("packages/runtime", "child/preload.ts", "preload.cjs"),
  // esbuild finds its binary beside its package: the build worker loads it from node_modules.
  sandboxScript("packages/builder", "bundle-worker.ts", "bundle-worker.cjs", ["esbuild"]),
];

function sandboxScript(pkg: string, source: string, file: string, keep: string[] = []): BuildOptions {
  const dist = path.join(root, pkg, "dist");
  return {
    input: path.join(root, pkg, "src", source),
    external: (id) => id.startsWith("node:") || keep.includes(id),
    platform: "node",
    transform: { target: "node20" },
    tsconfig: path.join(root, "tsconfig.base.json"),
    plugins: [
      {
        name: "readable-by-runners",
        writeBundle() {
          chmodSync(dist, 0o755);
          chmodSync(path.join(dist, file), 0o644);
        },
      },
    ],
    output: { file: path.join(dist, file), format: "cjs" },
  };
}

const allWorkspaces = readJson(path.join(root, "package.json")).workspaces ?? [];
const workspaces = allWorkspaces.filter((dir) => !readJson(path.join(root, dir, "package.json")).scripts?.build);

/** Everything `npm run build` compiles but the console. */
export const builds: BuildOptions[] = [...workspaces.map((dir) => packageModules(path.join(root, dir))), ...sandboxScripts];

/**
 * What the builds above read, relative to the repository (folders whole), with the lock file standing for the packages
 * in node_modules they resolve against and for rolldown's own version: a dist/ built from other contents is stale
 * (scripts/dist-stamp.ts). A new input of a build belongs here.
 */
const buildInputs: string[] = [
  "package.json",
  "package-lock.json",
  "rolldown.config.ts",
  "tsconfig.base.json",
  ...allWorkspaces.map((dir) => path.join(dir, "package.json")),
  ...workspaces.map((dir) => path.join(dir, "src")),
];

/** The builds with what they read and where the stamp of their last result is kept (scripts/dist-stamp.ts). */
export const packageBuild = {
  root,
  builds,
  inputs: buildInputs,
  stampFile: path.join(root, "node_modules", ".cache", "sprocket-dist-stamp.json"),
};

export default defineConfig(builds);
