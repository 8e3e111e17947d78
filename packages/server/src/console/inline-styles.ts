// A server-rendered page's styles, written into the page (issue #24 item 3): the browser paints the rendered HTML as soon
// as it has arrived, without a stylesheet request that the server would answer only after the render. Only the rules
// the rendered HTML can match go in (a first screen uses a fraction of Mantine's 196 KB, and the browser parses each
// rule and tests its selectors against the page before the first paint); the whole stylesheet follows once the page has
// painted (main.tsx enables its link, then drops the subset), for everything the page does after that.
import { readFileSync } from "node:fs";
import path from "node:path";
import { readCssBlocks, type Block } from "./css-blocks";

/** The built page's stylesheet links (Vite writes them so), by the asset's name. */
const STYLESHEET = /<link rel="stylesheet" crossorigin href="\/assets\/([\w.-]+\.css)">/g;

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;
/** Rules for the dark colour scheme: the rendered page is light (`data-mantine-color-scheme` on `<html>`). */
const DARK = "[data-mantine-color-scheme=dark]";

/** The rules of `blocks` that can match a page whose elements have (at most) the classes in `classes`, as CSS text. */
function subset(blocks: Block[], classes: ReadonlySet<string>): string {
  let out = "";
  for (const block of blocks) {
    if ("raw" in block) out += block.raw;
    else if ("at" in block) {
      const inner = subset(block.blocks, classes);
      if (inner) out += `${block.at}{${inner}}`;
    } else {
      const kept = block.selectors.filter(
        (selector) => !selector.includes(DARK) && [...selector.matchAll(CLASS)].every((m) => classes.has(m[1]!)),
      );
      if (kept.length > 0) out += kept.join(",") + block.text;
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
  /** A `<style>` element with the rules `html` (a rendered first screen) can match, to go before it in the body. */
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
      const key = [...classes].sort().join(" ");
      let style = bySet.get(key);
      if (style === undefined) {
        style = `<style ${FIRST_SCREEN}>${sheets.map((blocks) => subset(blocks, classes)).join("")}</style>`;
        if (bySet.size >= 64) bySet.clear();
        bySet.set(key, style);
      }
      return style;
    },
  };
}
