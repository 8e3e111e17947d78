// Builds the extension host into static files: host.js (+ host.css) for the page, worker.js for cards.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Where `npm run build -w @sprocket/console` puts the files the server serves. */
export const extensionHostDistDir = fileURLToPath(new URL("../../dist/extension-host/", import.meta.url));

export interface ExtensionHostBuildOptions {
  outdir?: string;
  minify?: boolean;
}

export async function buildExtensionHost({ outdir = extensionHostDistDir, minify = true }: ExtensionHostBuildOptions = {}) {
  const common = {
    bundle: true,
    minify,
    sourcemap: "linked" as const,
    target: "es2020",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none" as const,
    logLevel: "warning" as const,
    metafile: true,
  };
  const [host, worker] = await Promise.all([
    build({ ...common, entryPoints: { host: `${here}host.tsx` }, outdir, format: "esm", jsx: "automatic" }),
    // A classic script: the card bundle is loaded into it with importScripts().
    build({ ...common, entryPoints: { worker: `${here}worker.ts` }, outdir, format: "iife", jsx: "automatic" }),
  ]);
  return { outdir, outputs: [...Object.keys(host.metafile!.outputs), ...Object.keys(worker.metafile!.outputs)] };
}
