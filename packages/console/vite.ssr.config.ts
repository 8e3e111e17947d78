// The console's server render (`vite build -c vite.ssr.config.ts`): dist/ssr/server-render.js, which the server's
// console plugin imports to render a signed-in user's first screen (src/app/server-render.tsx).
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  // React's production build, as in the browser: the server sets no NODE_ENV of its own.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  oxc: { jsx: { runtime: "automatic" } },
  // One self-contained file tree: the same React, Mantine and router the browser's bundle has, whatever the server's
  // node_modules hold, and no resolution of the console's dependencies from the server's package.
  ssr: { noExternal: true, target: "node" },
  build: {
    ssr: "src/app/server-render.tsx",
    outDir: "dist/ssr",
    emptyOutDir: true,
    target: "node20",
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // Mantine's "use client" markers mean nothing to a server render either.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});
