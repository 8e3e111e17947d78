// A server-rendered page's styles, written into the page (issue #24 item 3): the browser paints the rendered HTML as soon
// as it has arrived, without a stylesheet request that the server would answer only after the render. Only the rules
// the rendered HTML can match go in (a first screen uses a fraction of Mantine's 196 KB, and the browser parses each
// rule and tests its selectors against the page before the first paint); the whole stylesheet follows once the page has
// painted (main.tsx enables its link, then drops the subset), for everything the page does after that.
import { readFileSync } from "node:fs";
import path from "node:path";
import postcss from "postcss";
import { readCssBlocks, type Block } from "./css-blocks";

/** The built page's stylesheet links (Vite writes them so), by the asset's name. */
const STYLESHEET = /<link rel="stylesheet" crossorigin href="\/assets\/([\w.-]+\.css)">/g;

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;
/** Rules for the dark colour scheme: the rendered page is light (`data-mantine-color-scheme` on `<html>`). */
const DARK = "[data-mantine-color-scheme=dark]";

/** A custom property's use. */
const VAR = /var\(\s*(--[\w-]+)/g;
const usesOf = (text: string, into: Set<string>) => {
  for (const m of text.matchAll(VAR)) into.add(m[1]!);
};

/** A kept rule that defines custom properties (Mantine's `:root` rules, its components'): selectors and declarations. */
interface Definitions {
  selectors: string;
  /** Each declaration's text and, for a custom property, its name. */
  declarations: { text: string; name?: string }[];
}

/**
 * A rule's declarations when it defines a custom property and holds nothing but declarations, else undefined (kept as
 * written); parsed once per rule (the blocks are read once per process).
 */
const parsed = new WeakMap<Block, Definitions["declarations"] | undefined>();
function definitionsOf(block: Block & { text: string }): Definitions["declarations"] | undefined {
  if (parsed.has(block)) return parsed.get(block);
  const rule = postcss.parse(`a${block.text}`).first;
  const nodes = rule?.type === "rule" ? rule.nodes : [];
  const declarations = nodes.every((node) => node.type === "decl")
    ? nodes.map((d) => ({ text: `${d.prop}:${d.value}${d.important ? "!important" : ""}`, name: d.variable ? d.prop : undefined }))
    : [];
  const found = declarations.some((d) => d.name) ? declarations : undefined;
  parsed.set(block, found);
  return found;
}

/**
 * The rules of `blocks` that can match a page whose elements have (at most) the classes in `classes`: CSS text, with
 * the rules that define custom properties left as `Definitions` for `pruned` to write.
 */
function subset(blocks: Block[], classes: ReadonlySet<string>): (string | Definitions)[] {
  const out: (string | Definitions)[] = [];
  for (const block of blocks) {
    if ("raw" in block) out.push(block.raw);
    else if ("at" in block) {
      const inner = subset(block.blocks, classes);
      if (inner.length > 0) out.push(`${block.at}{`, ...inner, "}");
    } else {
      const kept = block.selectors.filter(
        (selector) => !selector.includes(DARK) && [...selector.matchAll(CLASS)].every((m) => classes.has(m[1]!)),
      );
      if (kept.length === 0) continue;
      const declarations = block.text.includes("--") ? definitionsOf(block) : undefined;
      out.push(declarations ? { selectors: kept.join(","), declarations } : kept.join(",") + block.text);
    }
  }
  return out;
}

/**
 * `parts` as CSS text, each custom property defined only if something uses it: a kept rule, the page's HTML (`uses`:
 * its inline styles and the `<style>` elements Mantine renders into it) or a property kept so. Mantine's `:root` rules
 * define about 350, of which the contacts page uses about 60; the browser parses every one before the first paint.
 */
function pruned(parts: (string | Definitions)[], uses: ReadonlySet<string>): string {
  const used = new Set(uses);
  for (const part of parts)
    if (typeof part === "string") usesOf(part, used);
    else for (const d of part.declarations) if (!d.name) usesOf(d.text, used);
  const definitions = parts.filter((part): part is Definitions => typeof part !== "string");
  // The properties the used ones are defined with, until nothing more is added.
  for (let added = true; added;) {
    added = false;
    for (const { declarations } of definitions)
      for (const d of declarations)
        if (d.name && used.has(d.name)) {
          const before = used.size;
          usesOf(d.text, used);
          added ||= used.size > before;
        }
  }
  let out = "";
  for (const part of parts) {
    if (typeof part === "string") out += part;
    else {
      const kept = part.declarations.filter((d) => !d.name || used.has(d.name)).map((d) => d.text);
      if (kept.length > 0) out += `${part.selectors}{${kept.join(";")}}`;
    }
  }
  return out;
}

/** The classes the elements of `html` have. */
function classesOf(html: string): Set<string> {
  const classes = new Set<string>();
  for (const m of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of m[1]!.split(/\s+/)) if (name) classes.add(name);
  return classes;
}

/**
 * The attribute of the page's own `<style>`: main.tsx removes it once the stylesheet's link has loaded. Later in the
 * document than the link, it would otherwise win over the rules it left out (a class the page shows later whose rule
 * the stylesheet puts after one of the subset's).
 */
const FIRST_SCREEN = "data-first-screen";

export interface PageStyles {
  /** The built page's head with each stylesheet's link `disabled` (never fetched until main.tsx enables it). */
  head: string;
  /**
   * A `<style>` element with the rules `html` (a rendered first screen) can match and the custom properties they and
   * `html` use, to go before it in the body.
   */
  forHtml(html: string): string;
  /** A `<style>` element with every rule: the page when nothing was rendered, which gets no stylesheet otherwise. */
  all: string;
}

/**
 * The styles of a server-rendered page whose head is `head` (the built page's, which links its stylesheets in
 * `assetsDir`). Each stylesheet's link stays in the head, `disabled`: the console's chunk loader looks for a page's
 * stylesheets among the document's links and would otherwise add them a second time when a later page imports them,
 * and main.tsx enables it once the page has painted. A file that cannot be read, could close its element or cannot
 * be split into rules keeps its plain link and is not written into the page.
 */
export function pageStyles(head: string, assetsDir: string): PageStyles {
  const sheets: Block[][] = [];
  let all = "";
  const withLinks = head.replace(STYLESHEET, (link, file: string) => {
    let css: string;
    let blocks: Block[];
    try {
      const at = path.join(assetsDir, file);
      css = readFileSync(at, "utf8");
      blocks = readCssBlocks(at, css);
    } catch {
      return link;
    }
    if (/<\/style/i.test(css)) return link;
    sheets.push(blocks);
    all += css;
    return link.replace("<link ", "<link disabled ");
  });
  // A first screen's classes are those of its components, the same from page to page: one subset per set of them.
  const bySet = new Map<string, string>();
  return {
    head: withLinks,
    all: all ? `<style ${FIRST_SCREEN}>${all}</style>` : "",
    forHtml(html) {
      if (sheets.length === 0) return "";
      const classes = classesOf(html);
      const uses = new Set<string>();
      usesOf(html, uses);
      const key = `${[...classes].sort().join(" ")} ${[...uses].sort().join(" ")}`;
      let style = bySet.get(key);
      if (style === undefined) {
        style = `<style ${FIRST_SCREEN}>${sheets.map((blocks) => pruned(subset(blocks, classes), uses)).join("")}</style>`;
        if (bySet.size >= 64) bySet.clear();
        bySet.set(key, style);
      }
      return style;
    },
  };
}
