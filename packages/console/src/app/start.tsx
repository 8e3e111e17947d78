// The console in the browser (main.tsx imports it once the page is parsed and a server-rendered page has painted):
// hydrates the first screen the server rendered (server-render.tsx), or renders the console from nothing (signed out,
// another page, or no server render).
import { createRoot, hydrateRoot } from "react-dom/client";
import { setCsrfToken } from "./api-client";
import { ConsoleRoot, PRELOADS, createQueryClient } from "./app";
import { storedColumns } from "./crm/index-queries";
import { startFirstScreen } from "./first-screen";
import { seedFirstScreen, type FirstScreen } from "./first-screen-data";

/** The first screen the server embedded (a JSON script element, which the page's CSP lets no one run), for this path. */
function embeddedScreen(): FirstScreen | undefined {
  const text = document.getElementById("sprocket-first-screen")?.textContent;
  const screen = text ? (JSON.parse(text) as FirstScreen) : undefined;
  return screen?.path === window.location.pathname ? screen : undefined;
}

const queryClient = createQueryClient();
const root = document.getElementById("root")!;
const screen = embeddedScreen();
const type = screen ? seedFirstScreen(queryClient, screen) : undefined;
if (screen) setCsrfToken(screen.session.csrfToken);
startFirstScreen(queryClient, window.location.pathname, PRELOADS);

// The server rendered the type's default columns; a column choice of the browser's own renders afresh (its search is
// another query).
if (screen && type && storedColumns(type).join() === screen.columns.join()) {
  // The page has painted (main.tsx waited for a frame): the hydration, the page's longest task (React renders the whole
  // tree again), comes after it.
  hydrateRoot(root, <ConsoleRoot queryClient={queryClient} screen={{ path: screen.path, formats: screen.formats }} />, {
    // React recovers from a hydration mismatch by rendering the boundary in the browser, and reports only a minified
    // error number; the component stack says which part of the page differed from the server's render.
    onRecoverableError: (error, info) => console.error(error, info.componentStack ?? ""),
  });
} else {
  createRoot(root).render(<ConsoleRoot queryClient={queryClient} />);
}
