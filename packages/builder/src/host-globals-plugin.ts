import type { Plugin } from "esbuild";

/**
 * Modules the extension host provides as worker globals (ui-extensions-and-functions-runtime.md §1.2, §2):
 * a card must use the host's React and remote-ui instances, never bundle its own.
 */
export const HOST_GLOBALS: Readonly<Record<string, string>> = {
  react: "React",
  "react-dom": "ReactDOM",
  "@remote-ui/react": "RemoteUI",
};

const NAMESPACE = "sprocket-host-global";

/**
 * Resolves `react`, `react-dom` and `@remote-ui/react` to `module.exports = <global>`, wherever they are imported from
 * (the card, @hubspot/ui-extensions, or the bundled `react/jsx-runtime`), as HubSpot's Vite `globals` do.
 */
export const hostGlobalsPlugin: Plugin = {
  name: "sprocket-host-globals",
  setup(build) {
    build.onResolve({ filter: /^(react|react-dom|@remote-ui\/react)$/ }, (args) => ({ path: args.path, namespace: NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: `module.exports = ${HOST_GLOBALS[args.path]};`,
      loader: "js",
    }));
  },
};
