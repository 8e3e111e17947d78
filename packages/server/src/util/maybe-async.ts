/** A value now or later. Hot paths return plain values when they have them, sparing a promise hop per step. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `f` to `v` at once when it is there, after it resolves when it is not. */
export function after<T, R>(v: MaybePromise<T>, f: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}
