// A signed-in user's first load of a CRM index page comes with its first screen rendered (issue #24 item 3): the
// console's own React components, rendered by its SSR build (console/src/app/server-render.tsx) with the answers of
// Sprocket's API for this user, and those answers embedded for the browser's hydration. Anything else gets the
// client-only page, and so does a failed render (logged): a render problem never fails the page.
import { existsSync } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import { sessionIdOf, SESSION_COOKIE } from "../http/authenticate";
import { consoleAppDir, serverRenderFile } from "./console-dist";
import { pageStyles, type PageStyles } from "./inline-styles";

/** What the server renders with: one API call as the user, its JSON when it answered 200 (the console's `ApiCall`). */
type ApiCall = (method: "GET" | "POST", path: string, options?: { body?: unknown; csrfToken?: string }) => Promise<unknown>;

/** The console SSR build's export (its `renderFirstScreen`); `screen` is the JSON the browser hydrates with. */
interface ServerRender {
  renderFirstScreen(
    path: string,
    call: ApiCall,
    formats: { locale: string; timeZone: string },
  ): Promise<{ html: string; screen: unknown } | undefined>;
}

/** The pages with a server-rendered first screen (the console renders nothing for others; this spares it the call). */
const RENDERED_PAGE = /^\/contacts\/\d+\/objects\/[^/]+\/?$/;

/** JSON inside a `<script type="application/json">`: nothing in it may close the element or open a comment. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The browser's first language, if Node knows it (numbers then read as the page will show them), else en-US. */
function requestLocale(request: FastifyRequest): string {
  const first = request.headers["accept-language"]?.split(",")[0]?.split(";")[0]?.trim();
  try {
    return (first && Intl.NumberFormat.supportedLocalesOf([first])[0]) || "en-US";
  } catch {
    return "en-US";
  }
}

const ROOT = '<div id="root"></div>';

/**
 * `(request, path, page) => the page, or undefined for a request the server renders nothing for`. The page is a stream:
 * its head at once, so that the browser fetches the scripts and styles while the server renders, then the root with
 * the first screen and its data (or empty, as the built page has it, when there is none). The console's render
 * (`file`, its build) is imported on the first page that needs it; without it (an older console) nothing is rendered.
 */
export function firstScreenRenderer(
  app: FastifyInstance,
  log: FastifyBaseLogger,
  file = serverRenderFile,
  assetsDir = `${consoleAppDir}assets`,
) {
  /** The built page's head → the head a rendered page sends and its styles (made once: it reads the stylesheets). */
  const heads = new Map<string, PageStyles>();
  let module: Promise<ServerRender | undefined> | undefined;
  const built = existsSync(file);
  if (!built) log.warn(`The console's server render is not built (${file}): its pages render in the browser only.`);

  async function render(request: FastifyRequest, path: string, sessionId: string) {
    try {
      module ??= (import(pathToFileURL(file).href) as Promise<ServerRender>).catch((error: unknown) => {
        log.error({ err: error }, "The console's server render does not load: its pages render in the browser only.");
        return undefined;
      });
      const renderer = await module;
      if (!renderer) return undefined;
      // The API itself, in-process, with this request's session: its authentication, CSRF check and account scoping.
      // The cookie is named for the in-process request's scheme (plain), the id read under this request's own.
      const call: ApiCall = async (method, url, { body, csrfToken } = {}) => {
        const answer = await app.inject({
          method,
          url,
          remoteAddress: request.ip,
          headers: {
            accept: "application/json",
            cookie: `${SESSION_COOKIE}=${encodeURIComponent(sessionId)}`,
            ...(csrfToken ? { "x-csrf-token": csrfToken } : {}),
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
        return answer.statusCode === 200 ? answer.json() : undefined;
      };
      return await renderer.renderFirstScreen(path, call, { locale: requestLocale(request), timeZone: "UTC" });
    } catch (error) {
      log.error({ err: error }, `The console's server render of ${path} failed; serving the page unrendered.`);
      return undefined;
    }
  }

  return (request: FastifyRequest, path: string, page: string): Readable | undefined => {
    const sessionId = built && RENDERED_PAGE.test(path) && page.includes(ROOT) ? sessionIdOf(request) : undefined;
    if (!sessionId) return undefined;
    const at = page.indexOf(ROOT);
    const stream = new PassThrough();
    const plain = page.slice(0, at);
    let styles = heads.get(plain);
    if (styles === undefined) {
      styles = pageStyles(
        plain
          // The session comes with the first screen: the early ask for it (index.html's preload) would go unused.
          .replace(/\s*<link rel="preload" href="\/api\/v1\/session"[^>]*>/, "")
          // The entry runs as soon as it has loaded, while the server still renders (it waits for the rows itself,
          // main.tsx), instead of after the whole page, which would put its evaluation before the first paint.
          .replace('<script type="module" crossorigin', '<script type="module" async crossorigin'),
        assetsDir,
      );
      heads.set(plain, styles);
    }
    const { head, forHtml, all } = styles;
    stream.write(head);
    // The styles go before the root: the rules its HTML can match when rendered, all of them when not (the head's
    // stylesheet links are disabled).
    void render(request, path, sessionId).then((rendered) =>
      stream.end(
        (rendered
          ? `${forHtml(rendered.html)}<div id="root">${rendered.html}</div>\n    <script type="application/json" id="sprocket-first-screen">${scriptJson(rendered.screen)}</script>`
          : all + ROOT) + page.slice(at + ROOT.length),
      ),
    );
    return stream;
  };
}
