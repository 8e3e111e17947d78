import { startTransition, useEffect, useState } from "react";
import { navigate } from "wouter/use-browser-location";

/** What wouter's own browser hook listens to (it patches pushState and replaceState to dispatch their events). */
const EVENTS = ["popstate", "pushState", "replaceState", "hashchange"] as const;

/**
 * The browser's path for wouter's `Router`, updated in a transition. wouter's own hook reads it with
 * `useSyncExternalStore`, whose updates React renders at once: a link clicked while a server-rendered page was still
 * hydrating (in the moments after it painted, before start.tsx's modules had run) updated a boundary React had not
 * hydrated yet, so React dropped that boundary's server HTML and reported error 421. In a transition React finishes
 * hydrating first, then navigates.
 */
export function useTransitionLocation(): [string, typeof navigate] {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const update = () => startTransition(() => setPath(location.pathname));
    for (const event of EVENTS) addEventListener(event, update);
    // A navigation between the first render and this effect.
    update();
    return () => {
      for (const event of EVENTS) removeEventListener(event, update);
    };
  }, []);
  return [path, navigate];
}
