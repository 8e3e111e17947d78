// The console's index.html names each page's chunks (from the console build's manifest) for the page's URLs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { consoleAppDir } from "../src/console/console-dist";
import { PAGE_MODULES, pageHtml } from "../src/console/page-preloads";

const manifest = JSON.parse(readFileSync(`${consoleAppDir}.vite/manifest.json`, "utf8")) as Record<
  string,
  { file: string; imports?: string[]; dynamicImports?: string[] }
>;
const indexHtml = readFileSync(`${consoleAppDir}index.html`);
const preloads = (html: Buffer) =>
  [...html.toString("utf8").matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1]);

describe("console page preloads", () => {
  it("knows every page module the console build has (a renamed page fails here, not silently)", () => {
    for (const [, module] of PAGE_MODULES) expect(manifest[module], module).toBeDefined();
  });

  it("names the shell's chunks on every page (the entry imports them once the page is parsed), the contacts page among them", async () => {
    const htmlFor = await pageHtml(consoleAppDir, indexHtml);
    const shell = preloads(htmlFor("/"));
    for (const path of ["/contacts/123/objects/0-1", "/contacts/123/objects/2-7/", "/invite/abc"])
      expect(preloads(htmlFor(path))).toEqual(shell);
    // The entry itself is small and imports the shell's chunk dynamically (main.tsx): index.html alone does not name it.
    const start = `/${manifest["src/app/start.tsx"]!.file}`;
    expect(preloads(indexHtml)).not.toContain(start);
    expect(shell).toContain(start);
    expect(new Set(shell).size).toBe(shell.length);
    // Not a chunk of its own, but in one every page names (its total's test id is in the page's code).
    expect(manifest["src/app/crm/crm-index-page.tsx"]).toBeUndefined();
    expect(shell.some((file) => readFileSync(`${consoleAppDir}${file!.slice(1)}`, "utf8").includes("record-total"))).toBe(true);
  });

  it("keeps the console's modules out of the entry's static imports: a rendered page paints before they are evaluated", () => {
    // main.tsx imports start.tsx (React, Mantine, the shell) dynamically, once a server-rendered page has painted; a
    // static import would evaluate all of it as soon as the async entry arrived, before the first frame.
    const statically = new Set<string>();
    const walk = (key: string) => {
      if (statically.has(key)) return;
      statically.add(key);
      for (const imported of manifest[key]?.imports ?? []) walk(imported);
    };
    walk("index.html");
    expect(manifest["index.html"]!.dynamicImports).toEqual(["src/app/start.tsx"]);
    const files = [...statically].map((key) => readFileSync(`${consoleAppDir}${manifest[key]!.file}`, "utf8"));
    expect(files.reduce((bytes, text) => bytes + text.length, 0)).toBeLessThan(10_000);
    expect(files.some((text) => text.includes("record-total"))).toBe(false);
  });

  it("adds another page's own chunks to the shell's for its URLs, each once", async () => {
    const htmlFor = await pageHtml(consoleAppDir, indexHtml);
    const shell = preloads(htmlFor("/"));
    const record = preloads(htmlFor("/contacts/123/record/0-1/9"));
    expect(record).toContain(`/${manifest["src/app/crm/crm-record-page.tsx"]!.file}`);
    expect(new Set(record).size).toBe(record.length);
    expect(record.slice(0, shell.length)).toEqual(shell);
    expect(record.length).toBeGreaterThan(shell.length);
    expect(preloads(htmlFor("/settings/123/users"))).not.toContain(`/${manifest["src/app/crm/crm-record-page.tsx"]!.file}`);
  });
});
