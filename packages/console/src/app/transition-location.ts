import { createContext, createElement, startTransition, useContext, useEffect, useState, type ReactNode } from "react";
import { navigate } from "wouter/use-browser-location";

/** What wouter's own browser hook listens to (it patches pushState and replaceState to dispatch their events). */
const EVENTS = ["popstate", "pushState", "replaceState", "hashchange"] as const;

const PathContext = createContext<string | undefined>(undefined);

/**
 * The browser's path for the console, held once for the whole tree and updated in a transition. wouter's own hook
 * reads it with `useSyncExternalStore`, whose updates React renders at once: a link clicked while a server-rendered
 * page was still hydrating updated a boundary React had not hydrated yet, so React dropped that boundary's server HTML
 * and reported error 421. In a transition React finishes hydrating first, then navigates.
 *
 * `first` is the path the server rendered, when hydrating. The path is one state here rather than one per `useLocation`
 * (wouter calls the router's hook in every component that asks): a component that hydrated after a navigation read
 * the new `location.pathname` for its first render and rendered another page than the server's (React errors 418,
 * 425 and 422, then a render from nothing), while the rest of the tree still showed the old one.
 */
export function TransitionLocation({ first, children }: { first?: string; children: ReactNode }) {
  const [path, setPath] = useState(() => first ?? location.pathname);
  useEffect(() => {
    const update = () => startTransition(() => setPath(location.pathname));
    for (const event of EVENTS) addEventListener(event, update);
    // A navigation between the first render and this effect.
    update();
    return () => {
      for (const event of EVENTS) removeEventListener(event, update);
    };
  }, []);
  return createElement(PathContext.Provider, { value: path }, children);
}

/** The router's hook (`<Router hook>`) inside `TransitionLocation`. */
export function useTransitionLocation(): [string, typeof navigate] {
  const path = useContext(PathContext);
  if (path === undefined) throw new Error("useTransitionLocation needs a TransitionLocation above it");
  return [path, navigate];
}
