// Builds a card the way HubSpot's builder does (reference §2): one IIFE classic script per card, with
// react, react-dom and @remote-ui/react left to the worker's globals React and RemoteUI.
import { build, type Plugin } from "esbuild";
import { fileURLToPath } from "node:url";

const workspaceModules = fileURLToPath(new URL("../../../node_modules", import.meta.url));

const hostGlobals: Record<string, string> = { react: "React", "react-dom": "ReactDOM", "@remote-ui/react": "RemoteUI" };

const workerGlobalsPlugin: Plugin = {
  name: "hubspot-worker-globals",
  setup(builder) {
    builder.onResolve({ filter: /^(react|react-dom|@remote-ui\/react)$/ }, (args) => ({ path: args.path, namespace: "worker-global" }));
    builder.onLoad({ filter: /.*/, namespace: "worker-global" }, (args) => ({
      contents: `module.exports = self.${hostGlobals[args.path]};`,
      loader: "js",
    }));
  },
};

export interface CardBuildOptions {
  /** Build against the SDK 0.8.2 (the `extend` era) instead of 0.17.0. */
  legacySdk?: boolean;
}

export async function buildCard(entry: string, { legacySdk = false }: CardBuildOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    // Fixtures live outside the workspace, so the SDK is resolved from the workspace's node_modules.
    nodePaths: [workspaceModules],
    alias: legacySdk ? { "@hubspot/ui-extensions": "hs-ui-ext-082" } : {},
    plugins: [workerGlobalsPlugin],
    logLevel: "silent",
  });
  return result.outputFiles![0]!.text;
}
