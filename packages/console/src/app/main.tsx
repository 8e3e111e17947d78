// The console's entry in the browser: its styles, then the console itself (start.tsx), which hydrates the first screen
// the server rendered (server-render.tsx) or renders the console from nothing (signed out, another page, no render).
import "@mantine/core/styles.css";
import "./console.css";

// The server sends a rendered page's head first and this script as `async` (server-render.ts), so that it loads while
// the server renders: the rows may still be on their way.
if (document.readyState === "loading") await new Promise((parsed) => document.addEventListener("DOMContentLoaded", parsed, { once: true }));

// A server-rendered page is painted before the console's modules are evaluated (issue #24 item 3): evaluating React,
// Mantine and the pages is tens of milliseconds of the main thread, and an `async` script that arrived before the
// HTML's end ran them ahead of the first frame. The browser has the chunk already (the page's modulepreload hints).
if (document.getElementById("sprocket-first-screen")) await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted)));
// A rendered page came with the rules its first screen uses (`<style data-first-screen>`, the server's inline-styles.ts)
// and the stylesheet's link disabled: the whole stylesheet now, for the rest of what the console shows. Once it has
// loaded, the subset goes: it comes later in the document, and would win over rules of the stylesheet it left out.
const disabled = [...document.querySelectorAll("link[rel=stylesheet][disabled]")];
let loading = disabled.length;
for (const link of disabled) {
  link.addEventListener(
    "load",
    () => {
      if (--loading === 0) for (const style of document.querySelectorAll("style[data-first-screen]")) style.remove();
    },
    { once: true },
  );
  link.removeAttribute("disabled");
}
await import("./start");
