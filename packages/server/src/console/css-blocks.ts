// The console's stylesheets split into rules, for the first-screen subset (inline-styles.ts). postcss's parse of
// Mantine's 196 KB costs 120–230 ms of CPU in a fresh process (most of it postcss's own code not yet optimised), which
// the first rendered page of every server process paid; the console's build now writes each stylesheet's rules next to
// it (`writeCssBlocks`, called by vite.app.config.ts), and the server reads them instead of parsing.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import postcss, { type ChildNode } from "postcss";

/**
 * A rule (its selectors, each as written, and its declaration block as text), an at-rule holding rules (`@media`,
 * `@supports`), kept or dropped rule by rule, or anything else (`@keyframes`, `@font-face`, `@import`) kept whole.
 */
export type Block = { selectors: string[]; text: string } | { at: string; blocks: Block[] } | { raw: string };

/** At-rules whose blocks hold rules, which are kept or dropped one by one. Other at-rules (`@keyframes`) are kept whole. */
const GROUPING = new Set(["media", "supports", "container", "layer"]);

/**
 * The stylesheet's rules, at-rules and statements, in order, each as `css` writes it (parsed by postcss: Mantine's
 * stylesheet holds strings, escapes and nested parentheses and brackets in its selectors, which a hand-written
 * splitter would have to know about one by one). Comments are left out.
 */
export function cssBlocks(css: string): Block[] {
  /** `node`'s text in `css`, from `from` (an offset in it) to its end. */
  const text = (node: ChildNode, from = node.source!.start!.offset) => css.slice(from, node.source!.end!.offset);
  const blocksOf = (nodes: readonly ChildNode[]): Block[] => {
    const blocks: Block[] = [];
    for (const node of nodes) {
      if (node.type === "comment") continue;
      if (node.type === "rule") {
        // The declaration block: what follows the selector as written (postcss's `selector` drops its comments).
        const written = (node.raws.selector as { raw?: string } | undefined)?.raw ?? node.selector;
        const open = node.source!.start!.offset + written.length + (node.raws.between?.length ?? 0);
        blocks.push({ selectors: node.selectors, text: text(node, open) });
      } else if (node.type === "atrule" && node.nodes && GROUPING.has(node.name.toLowerCase())) {
        blocks.push({ at: `@${node.name}${node.raws.afterName ?? " "}${node.params}`, blocks: blocksOf(node.nodes) });
      } else {
        const raw = text(node);
        blocks.push({ raw: node.type === "atrule" && !node.nodes && !raw.endsWith(";") ? `${raw};` : raw });
      }
    }
    return blocks;
  };
  return blocksOf(postcss.parse(css).nodes);
}

/** Where the build writes the rules of the stylesheet `file`. */
const blocksFile = (file: string) => `${file}.blocks.json`;

/** Writes the rules of each stylesheet among `files` (paths in `dir`, as a build names its output) beside it. */
export function writeCssBlocks(dir: string, files: Iterable<string>) {
  for (const file of files)
    if (file.endsWith(".css")) {
      const css = path.join(dir, file);
      writeFileSync(blocksFile(css), JSON.stringify(cssBlocks(readFileSync(css, "utf8"))));
    }
}

/** The rules of the stylesheet at `file`, whose text is `css`: as the build wrote them, or parsed now (an older build). */
export function readCssBlocks(file: string, css: string): Block[] {
  let written: string;
  try {
    written = readFileSync(blocksFile(file), "utf8");
  } catch {
    return cssBlocks(css);
  }
  return JSON.parse(written) as Block[];
}
