// The console contacts page's static twin (#24 item 3): what someone would write by hand to show the same screen. It
// is made in the browser from the server's render as the screen shows it: every visible text, link, control and table
// cell, in the same order and the same block structure, with none of the framework's attributes, inline styles or
// wrappers and a stylesheet of seventeen rules for the same layout (a header bar, a fixed navigation, a striped table).
import type { Browser } from "playwright-core";

/** The stylesheet, by hand: the console's layout (header, navigation, main) and its table, in seventeen rules. */
const STYLES = [
  "body{margin:0;font:14px/1.55 system-ui,sans-serif;color:#212529}",
  "header{position:fixed;inset:0 0 auto;height:60px;box-sizing:border-box;padding:0 16px;border-bottom:1px solid #dee2e6;background:#fff}",
  "header>div,header div div,main>div>div,main nav{display:flex;align-items:center;justify-content:space-between;gap:10px}",
  "header>div{height:100%}",
  "header+nav{position:fixed;top:60px;bottom:0;left:0;width:220px;box-sizing:border-box;overflow:auto;padding:12px 0;border-right:1px solid #dee2e6}",
  "nav p{margin:12px 16px 4px;font-size:12px;font-weight:700;text-transform:uppercase;color:#868e96}",
  "nav a{display:block;padding:8px 12px;color:inherit}",
  "main{padding:76px 20px 16px 240px}",
  "main>div{margin:0 0 12px}",
  "main>div>div>div{flex:1}",
  "h1{margin:0;font-size:26px}",
  "a{color:#228be6;text-decoration:none}",
  "button,input,select{font:inherit;padding:4px 12px;border:1px solid #ced4da;border-radius:4px;background:#fff}",
  "table{width:100%;border-collapse:collapse}",
  "th,td{padding:7px 10px;text-align:left;border-bottom:1px solid #dee2e6}",
  "th button{padding:0;border:0;font-weight:700}",
  "tbody tr:nth-child(odd){background:#f8f9fa}",
].join("");

/**
 * Runs in the page (a string, so the bench's TypeScript build adds nothing the page lacks): the body as plain HTML.
 * Elements the screen hides are left out, inline wrappers (`span` and the like) give way to their content, and of the
 * attributes only those a hand-written page needs stay, the two the bench's readiness check reads among them.
 */
const PLAIN_BODY = `(() => {
  const blocks = new Set(["HEADER", "NAV", "MAIN", "DIV", "H1", "H2", "H3", "H4", "P", "A", "BUTTON", "INPUT", "SELECT", "OPTION", "LABEL", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "UL", "OL", "LI"]);
  const kept = ["href", "type", "placeholder", "value", "aria-label", "data-testid", "scope"];
  const text = (s) => s.replace(/[&<>"]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const write = (node) => {
    if (node.nodeType === 3) return text(node.textContent);
    if (node.nodeType !== 1 || ["SCRIPT", "STYLE", "svg"].includes(node.tagName)) return "";
    if (getComputedStyle(node).display === "none") return "";
    const inner = [...node.childNodes].map(write).join("");
    if (!blocks.has(node.tagName)) return inner;
    const tag = node.tagName.toLowerCase();
    if (tag === "div" && inner.trim() === "") return "";
    const attrs = kept.filter((a) => node.hasAttribute(a)).map((a) => " " + a + '="' + text(node.getAttribute(a)) + '"').join("");
    return tag === "input" ? "<input" + attrs + ">" : "<" + tag + attrs + ">" + inner + "</" + tag + ">";
  };
  return write(document.body);
})()`;

/** The hand-written twin of `screen` (a rendered page without its scripts, as `sameScreen` makes it). */
export async function handWritten(browser: Browser, screen: string): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  try {
    const page = await context.newPage();
    await page.setContent(screen, { waitUntil: "load" });
    const body = (await page.evaluate(PLAIN_BODY)) as string;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contacts</title><style>${STYLES}</style></head><body>${body}</body></html>`;
  } finally {
    await context.close();
  }
}
