// A page in its own chunk, loaded on its first render as lazy() does, or earlier when the entry knows the first page.
import { createElement, lazy, type ComponentType, type ReactElement } from "react";

export interface LazyPage<P extends object> {
  (props: P): ReactElement;
  /** Starts loading the chunk (once); the page then renders without suspending if it has arrived. */
  preload(): Promise<unknown>;
}

export function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<unknown> | undefined;
  const preload = () =>
    (loading ??= load().then((module) => {
      loaded = module.default;
    }));
  // lazy()'s props type wraps P in ref helpers that a generic P cannot be checked against; it renders P unchanged.
  const Suspending = lazy(() => preload().then(() => ({ default: loaded! }))) as unknown as ComponentType<P>;
  // Once loaded, the component itself: lazy() would suspend for a tick even then, showing the fallback.
  const Page = (props: P) => createElement(loaded ?? Suspending, props);
  return Object.assign(Page, { preload });
}
