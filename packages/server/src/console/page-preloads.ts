// Each console page's chunks, named in the index.html served for its URL: the browser fetches them alongside the
// shell's instead of after the shell has run and asked for them (one round trip less before the page shows).
import { readFile } from "node:fs/promises";

/** An entry of Vite's build manifest (`dist/app/.vite/manifest.json`): a chunk and the chunks it imports. */
interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * Console URLs → the page module that renders them (the console's routes, main.tsx). A module missing from the
 * manifest (renamed) only loses its hint; the console's test checks that each one is there. The contacts index (and
 * `/`, which leads there) is not here: the console's build puts that page in the shell's chunk, which every page names.
 */
export const PAGE_MODULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/contacts\/[^/]+\/record\/[^/]+\/[^/]+\/?$/, "src/app/crm/crm-record-page.tsx"],
  [/^\/developer-projects\/[^/]+\/?$/, "src/app/projects/projects-page.tsx"],
  [/^\/developer-projects\/[^/]+\/project\/[^/]+\/?$/, "src/app/projects/project-page.tsx"],
  [/^\/developer-projects\/[^/]+\/project\/[^/]+\/build\/[^/]+\/?$/, "src/app/projects/build-page.tsx"],
  [/^\/private-apps\/[^/]+\/?$/, "src/app/apps/private-apps-page.tsx"],
  [/^\/private-apps\/[^/]+\/[^/]+(\/[^/]+)?\/?$/, "src/app/apps/private-app-page.tsx"],
  [/^\/app\/[^/]+\/[^/]+\/?$/, "src/app/apps/app-home-page.tsx"],
  [/^\/settings\/[^/]+\/[^/]+\/?$/, "src/app/settings/settings-page.tsx"],
  [/^\/workflows\/[^/]+\/?$/, "src/app/workflows/workflows-page.tsx"],
];

/** A chunk and every chunk it imports, by manifest key. */
function withImports(manifest: Record<string, ManifestChunk>, key: string, into = new Set<string>()): Set<string> {
  if (into.has(key) || !manifest[key]) return into;
  into.add(key);
  for (const imported of manifest[key].imports ?? []) withImports(manifest, imported, into);
  return into;
}

/** The JavaScript files of `keys` and what they import, but those in `loaded`, by URL. */
function chunkFiles(manifest: Record<string, ManifestChunk>, keys: readonly string[], loaded: ReadonlySet<string>): string[] {
  const all = new Set<string>();
  for (const key of keys) withImports(manifest, key, all);
  return [...all].filter((k) => !loaded.has(k)).map((k) => `/${manifest[k]!.file}`);
}

/** `html` with `<link rel="modulepreload">` for `files` at the end of its head. */
function withHints(html: string, files: readonly string[]): string {
  // The same attributes as Vite's own hints, so the module fetch that follows reuses the preloaded response.
  const links = files.map((file) => `<link rel="modulepreload" crossorigin href="${file}">`).join("\n    ");
  return files.length === 0 ? html : html.replace("</head>", `  ${links}\n  </head>`);
}

/**
 * The index.html to serve for a path: the built one with `<link rel="modulepreload">` for the shell's chunks (the
 * entry imports them once the page is parsed, main.tsx, so Vite's index.html does not name them) and for its page's,
 * made once per page module. Without a manifest (an older build), the built one for every path.
 */
export async function pageHtml(appDir: string, indexHtml: Buffer): Promise<(path: string) => Buffer> {
  const manifest = await readFile(`${appDir}.vite/manifest.json`, "utf8")
    .then((text) => JSON.parse(text) as Record<string, ManifestChunk>)
    .catch(() => undefined);
  if (!manifest) return () => indexHtml;
  const entry = withImports(manifest, "index.html");
  const shellKeys = manifest["index.html"]?.dynamicImports ?? [];
  const shell = new Set(entry);
  for (const key of shellKeys) withImports(manifest, key, shell);
  const shellHtml = withHints(indexHtml.toString("utf8"), chunkFiles(manifest, shellKeys, entry));
  const byModule = new Map<string, Buffer>();
  for (const [, module] of PAGE_MODULES) {
    if (byModule.has(module) || !manifest[module]) continue;
    byModule.set(module, Buffer.from(withHints(shellHtml, chunkFiles(manifest, [module], shell))));
  }
  const plain = Buffer.from(shellHtml);
  return (path) => {
    const module = PAGE_MODULES.find(([pattern]) => pattern.test(path))?.[1];
    return (module ? byModule.get(module) : undefined) ?? plain;
  };
}
