import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Metafile } from "esbuild";
import type { BuildProblem } from "./build-error";
import { bundleInSandbox, type BuildIdentity } from "./build-sandbox";
import { relativeTo, runEsbuild } from "./esbuild-run";
import { HOST_GLOBALS, hostGlobalsPlugin } from "./host-globals-plugin";

export interface BundleCardOptions {
  /** The card's React module (`module.file` or a 2025.2 `entrypoint`), or an app page's, settings page's or bulk action's. */
  entry: string;
  /** What the bundle is called in build errors, e.g. "Settings page"; "Card" when absent. */
  label?: string;
  nodeModulesDir?: string | null;
  /** From installDependencies: the package's npm workspaces, resolved to their folders in the project. */
  workspaces?: Record<string, string>;
  outFile: string;
  /** Runs the bundle in a child process under this uid and gid (the server runs as root); see build-sandbox.ts. */
  runAs?: BuildIdentity | null;
  /**
   * production: minified (HubSpot's cloud build), with `outFile.map` beside it, unlinked, so the server can map the
   * card's errors to the project's lines; development: readable, inline source map.
   */
  mode: "production" | "development";
  /** Folder that problem paths and manifest modules are reported relative to; defaults to the entry's folder. */
  root?: string;
}

/** The shape of HubSpot's `<Name>-manifest.json`, minus what needs a Rollup build (rendered exports). */
export interface CardManifest {
  entry: string;
  modules: {
    /** Project files in the bundle, relative to the root. */
    internal: { module: string }[];
    /** npm files in the bundle, from `node_modules/` on. */
    external: { module: string }[];
    /** Modules left to the host's globals. */
    globals: { module: string; global: string }[];
  };
  /** Version of @hubspot/ui-extensions bundled, or null when the card does not use it. */
  installedSdkVersion: string | null;
}

export interface BundledCard {
  outFile: string;
  manifestFile: string;
  manifest: CardManifest;
  warnings: BuildProblem[];
}

/**
 * Bundles a UI extension (a card, app page, settings page or bulk action: all are React run by the host) the way
 * HubSpot's builder does: one classic-script IIFE with no exports,
 * classic JSX (`React.createElement`), the host's React and remote-ui read from globals, everything else bundled.
 * Writes `<outFile minus .js>-manifest.json` beside it.
 */
export async function bundleCard(options: BundleCardOptions): Promise<BundledCard> {
  if (options.runAs) return bundleInSandbox({ kind: "card", options: { ...options, runAs: null } }, options.runAs);
  const root = options.root ?? dirname(options.entry);
  const production = options.mode === "production";
  const { metafile, warnings } = await runEsbuild(
    {
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2020",
      jsx: "transform",
      jsxFactory: "React.createElement",
      jsxFragment: "React.Fragment",
      define: { "process.env.NODE_ENV": JSON.stringify(options.mode) },
      minify: production,
      plugins: [hostGlobalsPlugin],
      nodePaths: options.nodeModulesDir ? [options.nodeModulesDir] : [],
    },
    {
      entry: options.entry,
      outfile: options.outFile,
      scope: { root, nodeModulesDir: options.nodeModulesDir ?? null },
      sourceMap: production ? "external" : "inline",
      what: `${options.label ?? "Card"} ${relativeTo(root, options.entry)}`,
      workspaces: options.workspaces,
    },
  );
  const manifest = await cardManifest(options.entry, root, metafile);
  const manifestFile = join(dirname(options.outFile), `${basename(options.outFile).replace(/\.js$/, "")}-manifest.json`);
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { outFile: options.outFile, manifestFile, manifest, warnings };
}

async function cardManifest(entry: string, root: string, metafile: Metafile): Promise<CardManifest> {
  const manifest: CardManifest = {
    entry: basename(entry),
    modules: { internal: [], external: [], globals: [] },
    installedSdkVersion: null,
  };
  let sdkRoot: string | null = null;
  for (const input of Object.keys(metafile.inputs)) {
    const [namespace, global] = input.split(":");
    if (namespace === "sprocket-host-global" && global !== undefined) {
      manifest.modules.globals.push({ module: global, global: HOST_GLOBALS[global]! });
      continue;
    }
    const at = input.lastIndexOf("node_modules/");
    if (at === -1) {
      manifest.modules.internal.push({ module: input });
      continue;
    }
    manifest.modules.external.push({ module: input.slice(at) });
    const sdk = /^(.*node_modules\/@hubspot\/ui-extensions)\//.exec(input);
    if (sdk) sdkRoot = sdk[1]!;
  }
  if (sdkRoot !== null) {
    const sdkPackage = JSON.parse(await readFile(join(root, sdkRoot, "package.json"), "utf8")) as { version?: string };
    manifest.installedSdkVersion = sdkPackage.version ?? null;
  }
  return manifest;
}
