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

  it("adds the contacts page's own chunk to the shell's for its URLs and for /, and nothing for other pages' chunks", async () => {
    const htmlFor = await pageHtml(consoleAppDir, indexHtml);
    const shell = preloads(indexHtml);
    const chunk = `/${manifest["src/app/crm/crm-index-page.tsx"]!.file}`;
    for (const path of ["/contacts/123/objects/0-1", "/contacts/123/objects/2-7/", "/"]) {
      const links = preloads(htmlFor(path));
      expect(links).toContain(chunk);
      // Each file once: the shell's own are not repeated.
      expect(new Set(links).size).toBe(links.length);
      expect(links.slice(0, shell.length)).toEqual(shell);
    }
    const record = preloads(htmlFor("/contacts/123/record/0-1/9"));
    expect(record).toContain(`/${manifest["src/app/crm/crm-record-page.tsx"]!.file}`);
    expect(record).not.toContain(chunk);
    expect(htmlFor("/invite/abc")).toBe(indexHtml);
  });
});
