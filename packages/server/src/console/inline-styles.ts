// A server-rendered page's stylesheets, written into its head (issue #24 item 3): the browser can paint the rendered
// HTML as soon as it has arrived, without a stylesheet request that the server would answer only after the render.
import { readFileSync } from "node:fs";
import path from "node:path";

/** The built page's stylesheet links (Vite writes them so), by the asset's name. */
const STYLESHEET = /<link rel="stylesheet" crossorigin href="\/assets\/([\w.-]+\.css)">/g;

/**
 * `head` with each stylesheet of `assetsDir` inline, its link kept but `disabled` (never fetched): the console's
 * chunk loader looks for a page's stylesheets among the document's links and would otherwise add them a second time
 * when a later page imports them. A file that cannot be read, or could close its element, keeps its plain link.
 */
export function inlineStyles(head: string, assetsDir: string): string {
  return head.replace(STYLESHEET, (link, file: string) => {
    let css: string;
    try {
      css = readFileSync(path.join(assetsDir, file), "utf8");
    } catch {
      return link;
    }
    if (/<\/style/i.test(css)) return link;
    return `<style>${css}</style>${link.replace("<link ", "<link disabled ")}`;
  });
}
