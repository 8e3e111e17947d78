// Numbers and dates as the page shows them. The browser formats in its own locale and time zone, which the server
// cannot know: a server-rendered first screen formats in the request's Accept-Language and UTC, and the browser keeps
// those until its first render has hydrated (a different text there is a hydration mismatch), then switches to its own.
import { createContext, startTransition, useContext, useEffect, useState, type ReactNode } from "react";

export interface Formats {
  locale?: string;
  timeZone?: string;
}

const BROWSER: Formats = {};
const FormatContext = createContext<Formats>(BROWSER);

/** `first` until the whole first render has hydrated, then the browser's own formats. */
export function FormatProvider({ first, children }: { first: Formats | undefined; children: ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  // A transition: React finishes hydrating the page below (its Suspense boundary hydrates after the shell) before the
  // new formats reach it; an urgent update there would make React throw the server's HTML away and render afresh.
  useEffect(() => startTransition(() => setHydrated(true)), []);
  return <FormatContext.Provider value={hydrated || !first ? BROWSER : first}>{children}</FormatContext.Provider>;
}

export const useFormats = (): Formats => useContext(FormatContext);

export const formatNumber = (value: number, formats: Formats = BROWSER): string => value.toLocaleString(formats.locale);
