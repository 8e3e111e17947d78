// The console's index.html names each page's chunks (from the console build's manifest) for the page's URLs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { consoleAppDir } from "../src/console/console-dist";
import { PAGE_MODULES, pageHtml } from "../src/console/page-preloads";

const manifest = JSON.parse(readFileSync(`${consoleAppDir}.vite/manifest.json`, "utf8")) as Record<string, { file: string }>;
const indexHtml = readFileSync(`${consoleAppDir}index.html`);
const preloads = (html: Buffer) =>
  [...html.toString("utf8").matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1]);

describe("console page preloads", () => {
  it("knows every page module the console build has (a renamed page fails here, not silently)", () => {
    for (const [, module] of PAGE_MODULES) expect(manifest[module], module).toBeDefined();
  });

  it("serves the contacts page's URLs and / the built index.html, whose chunks hold that page", async () => {
    const htmlFor = await pageHtml(consoleAppDir, indexHtml);
    for (const path of ["/contacts/123/objects/0-1", "/contacts/123/objects/2-7/", "/"]) expect(htmlFor(path)).toBe(indexHtml);
    // Not a chunk of its own, but in one index.html names (its total's test id is in the page's code).
    expect(manifest["src/app/crm/crm-index-page.tsx"]).toBeUndefined();
    const entryFiles = [...indexHtml.toString("utf8").matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(entryFiles.some((file) => readFileSync(`${consoleAppDir}${file.slice(1)}`, "utf8").includes("record-total"))).toBe(true);
  });

  it("adds another page's own chunks to the shell's for its URLs, each once", async () => {
    const htmlFor = await pageHtml(consoleAppDir, indexHtml);
    const shell = preloads(indexHtml);
    const record = preloads(htmlFor("/contacts/123/record/0-1/9"));
    expect(record).toContain(`/${manifest["src/app/crm/crm-record-page.tsx"]!.file}`);
    expect(new Set(record).size).toBe(record.length);
    expect(record.slice(0, shell.length)).toEqual(shell);
    expect(record.length).toBeGreaterThan(shell.length);
    expect(preloads(htmlFor("/settings/123/users"))).not.toContain(`/${manifest["src/app/crm/crm-record-page.tsx"]!.file}`);
    expect(htmlFor("/invite/abc")).toBe(indexHtml);
  });
});
