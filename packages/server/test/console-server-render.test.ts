// The console plugin's server render: its page when the render answers, the client-only page (and a logged error)
// when it fails. The real render, its data and the hydration are test/e2e/console-first-screen.test.ts's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import cookie from "@fastify/cookie";
import { describe, expect, it } from "vitest";
import { cssBlocks, writeCssBlocks } from "../src/console/css-blocks";
import { firstScreenRenderer } from "../src/console/server-render";

const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", "server-render", name);
const PAGE =
  '<html><head><title>Sprocket</title>\n    <link rel="preload" href="/api/v1/session" as="fetch" crossorigin="anonymous" />\n  </head><body><div id="root"></div></body></html>';
/** The page as sent once its head has gone out, when nothing was rendered: without the early ask for the session. */
const UNRENDERED = '<html><head><title>Sprocket</title>\n  </head><body><div id="root"></div></body></html>';

/** A Fastify app whose `/api/v1/session` answers with the cookie it got, and whose GET `/*` renders through `file`. */
async function appWith(file: string, page = PAGE, assets = fixture("assets")) {
  const logs: Array<{ level: number; msg: string }> = [];
  const app = Fastify({ logger: { level: "info", stream: { write: (line: string) => void logs.push(JSON.parse(line)) } } });
  // As the server's session routes do (the cookie parser loads with the plugin).
  await app.register(cookie);
  app.get("/api/v1/session", async (request) => ({ cookie: request.headers.cookie }));
  const render = firstScreenRenderer(app, app.log, file, assets);
  app.get("/*", async (request, reply) => {
    return reply.type("text/html").send(render(request, request.url, page) ?? page);
  });
  await app.ready();
  return { app, logs };
}

describe("the console's server render in the server", () => {
  it("serves the client-only page and logs the error when the render fails, never a 500", async () => {
    const { app, logs } = await appWith(fixture("throws.mjs"));
    const res = await app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "sprocket_session=s1" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(UNRENDERED);
    expect(logs.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      "The console's server render of /contacts/1/objects/0-1 failed; serving the page unrendered.",
    ]);
    await app.close();
  });

  it("renders only a signed-in request's CRM index pages, calling the API with its session", async () => {
    const { app } = await appWith(fixture("renders.mjs"));
    const rendered = await app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "other=1; sprocket_session=s%201" } });
    expect(rendered.body).toContain('<div id="root"><p class="page" style="padding:var(--inline)">/contacts/1/objects/0-1</p></div>');
    // The session cookie alone, named for the in-process request's scheme.
    expect(rendered.body).toContain('"session":{"cookie":"sprocket_session=s%201"}');
    for (const [url, cookie] of [
      ["/contacts/1/objects/0-1", undefined],
      ["/contacts/1/record/0-1/5", "sprocket_session=s1"],
    ] as const) {
      expect((await app.inject({ url, headers: cookie ? { cookie } : {} })).body).toBe(PAGE);
    }
    await app.close();
  });

  it("writes the data as JSON that cannot close its script element", async () => {
    const { app } = await appWith(fixture("renders.mjs"));
    const page = (await app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "sprocket_session=s1" } })).body;
    expect(page).toContain('"text":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"');
    expect(page.match(/<\/script>/g)).toHaveLength(1);
    // The session came with the page: the early ask for it is gone.
    expect(page).not.toContain("/api/v1/session");
    await app.close();
  });

  it("writes the rules a rendered page's HTML can match before it, the stylesheets' links kept disabled in the head", async () => {
    const links = ["page-Ab1.css", "closing-Cd2.css", "missing-Ef3.css"].map(
      (f) => `<link rel="stylesheet" crossorigin href="/assets/${f}">`,
    );
    const built = PAGE.replace("</head>", `${links.join("")}</head>`);
    const { app } = await appWith(fixture("renders.mjs"), built);
    const rendered = (await app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "sprocket_session=s1" } })).body;
    // The rules of the classes the HTML has (selector by selector, inside @media too), those without a class, and
    // at-rules such as @keyframes whole; not the dark scheme's (the page is light) nor rules of other classes. Of the
    // custom properties, those a kept rule or the HTML uses and those they are defined with, not the others.
    expect(rendered).toContain(
      '<style data-first-screen>.page{color:#123;margin:var(--used)}.page::after{content:"}"}@media (min-width:1px){.page{margin:0}}:root{--used:var(--deep);--deep:2;--inline:3}@keyframes spin{0%{opacity:0}to{opacity:1}}</style><div id="root"><p class="page"',
    );
    expect(rendered).toContain(`<link disabled rel="stylesheet" crossorigin href="/assets/page-Ab1.css">`);
    // A stylesheet that could close its element, or cannot be read, keeps its link.
    expect(rendered).toContain(`${links[1]}${links[2]}</head>`);
    expect(rendered.match(/<style/g)).toHaveLength(1);
    // A page the server does not render gets the built page, links and all.
    const plain = (await app.inject({ url: "/contacts/1/record/0-1/5", headers: { cookie: "sprocket_session=s1" } })).body;
    expect(plain).not.toContain("<style");
    expect(plain).toContain(links[0]);
    await app.close();
    // A render that fails sends the client-only page with every rule: its link is disabled in the head already sent.
    const failed = await appWith(fixture("throws.mjs"), built);
    const unrendered = (await failed.app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "sprocket_session=s1" } })).body;
    const css = readFileSync(fixture("assets/page-Ab1.css"), "utf8");
    expect(unrendered).toContain(`<style data-first-screen>${css}</style><div id="root"></div>`);
    expect(unrendered).toContain(`<link disabled rel="stylesheet" crossorigin href="/assets/page-Ab1.css">`);
    await failed.app.close();
  });

  it("takes a stylesheet's rules from the file the console's build writes beside it, not parsing it again", async () => {
    const assets = mkdtempSync(path.join(os.tmpdir(), "sprocket-css-blocks-"));
    const css = readFileSync(fixture("assets/page-Ab1.css"), "utf8");
    writeFileSync(path.join(assets, "page-Ab1.css"), css);
    writeFileSync(path.join(assets, "other-Gh4.js"), "");
    writeCssBlocks(assets, ["page-Ab1.css", "other-Gh4.js"]);
    expect(JSON.parse(readFileSync(path.join(assets, "page-Ab1.css.blocks.json"), "utf8"))).toEqual(cssBlocks(css));
    expect(() => readFileSync(path.join(assets, "other-Gh4.js.blocks.json"))).toThrow();
    // Rules the stylesheet does not hold: the page's subset can only have come from the written file.
    writeFileSync(
      path.join(assets, "page-Ab1.css.blocks.json"),
      JSON.stringify([
        { selectors: [".page"], text: "{color:#456}" },
        { selectors: [".other"], text: "{color:#789}" },
      ]),
    );
    const built = PAGE.replace("</head>", '<link rel="stylesheet" crossorigin href="/assets/page-Ab1.css"></head>');
    const { app } = await appWith(fixture("renders.mjs"), built, assets);
    const rendered = (await app.inject({ url: "/contacts/1/objects/0-1", headers: { cookie: "sprocket_session=s1" } })).body;
    expect(rendered).toContain('<style data-first-screen>.page{color:#456}</style><div id="root">');
    await app.close();
    rmSync(assets, { recursive: true });
  });
});
