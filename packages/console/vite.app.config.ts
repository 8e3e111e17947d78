// The console SPA: `vite build -c vite.app.config.ts` writes dist/app/, which the server serves at `/`.
import { defineConfig } from "vite";
import { writeCssBlocks } from "../server/src/console/css-blocks.ts";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  // The extension host's worker globals use `process.env.NODE_ENV`, like React itself.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  oxc: { jsx: { runtime: "automatic" } },
  plugins: [
    {
      // Each stylesheet's rules beside it, split once here rather than by every server process at its first rendered
      // page (server/src/console/css-blocks.ts).
      name: "sprocket-css-blocks",
      writeBundle(options, bundle) {
        writeCssBlocks(options.dir!, Object.keys(bundle));
      },
    },
  ],
  build: {
    outDir: "dist/app",
    // .vite/manifest.json: the server reads which chunks each page needs, to name them in its index.html.
    manifest: true,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // Mantine's "use client" markers mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      output: {
        // The shell and the contacts page (the first screen of `/`) with everything they import, in one chunk: left to
        // rolldown, the modules the shell shares with other pages were split into 20-odd small files, fetched six at a
        // time over the browser's connections. Other pages keep their own chunks and take what they share from this one.
        // The entry (main.tsx) imports that chunk only once a server-rendered page has painted; Vite's preload helper,
        // which the entry needs at once, is a chunk of its own, or the entry would import (and evaluate) all of it.
        codeSplitting: {
          groups: [
            { name: "preload-helper", test: /vite[\\/]preload-helper/, priority: 2 },
            { name: "first-screen", test: /src[\\/]app[\\/](start|crm[\\/]crm-index-page)\.tsx$/, priority: 1 },
          ],
        },
      },
    },
  },
});
