// The server's render of a console page's first screen (Vite's SSR build: dist/ssr/server-render.js, loaded by the
// server's console plugin). The browser hydrates it (main.tsx) instead of rendering the page from nothing.
import { renderToString } from "react-dom/server";
import { ConsoleRoot, createQueryClient } from "./app";
import { loadFirstScreen, seedFirstScreen, type ApiCall, type FirstScreen } from "./first-screen-data";
import type { Formats } from "./formats";

export type { ApiCall, FirstScreen };

export interface RenderedScreen {
  /** The root element's content. */
  html: string;
  /** What the browser's first render needs: embedded in the page as JSON. */
  screen: FirstScreen;
}

/** `path`'s first screen for whoever `call` speaks for, or undefined when the server renders none (first-screen-data.ts). */
export async function renderFirstScreen(path: string, call: ApiCall, formats: Required<Formats>): Promise<RenderedScreen | undefined> {
  const screen = await loadFirstScreen(path, call, formats);
  if (!screen) return undefined;
  const queryClient = createQueryClient();
  seedFirstScreen(queryClient, screen);
  const html = renderToString(<ConsoleRoot queryClient={queryClient} screen={{ path, formats }} onServer />);
  queryClient.clear();
  return { html, screen };
}
