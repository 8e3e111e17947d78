import { types } from "node:util";
import type { InvocationError } from "./invocation";

export type MainSettlement = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Calls `main` in either HubSpot style and settles on the first answer.
 * - `async (context) => value`: the returned promise (or plain value) is the answer.
 * - `(context, callback) => …` (2023.1): `callback(value)`, `callback(error)` or Lambda's
 *   `callback(null, value)`. Callback style is `main.length >= 2` or a call made before `main`
 *   returns; then a promise resolving to `undefined` does not settle (the callback still will).
 * A function that returns a promise and also calls the callback is settled by whichever comes first.
 */
export function callMain(main: (...args: unknown[]) => unknown, context: unknown): Promise<MainSettlement> {
  return new Promise((resolve) => {
    let settled = false;
    let calledBack = false;
    const settle = (settlement: MainSettlement) => {
      if (!settled) {
        settled = true;
        resolve(settlement);
      }
    };
    const callback = (...args: unknown[]) => {
      calledBack = true;
      const [first, second] = args;
      if (isError(first)) settle({ ok: false, error: first });
      else settle({ ok: true, value: args.length >= 2 && first == null ? second : first });
    };

    let returned: unknown;
    try {
      returned = main(context, callback);
    } catch (error) {
      settle({ ok: false, error });
      return;
    }
    const callbackStyle = main.length >= 2 || calledBack;
    if (isThenable(returned)) {
      returned.then(
        (value) => {
          if (!callbackStyle || value !== undefined) settle({ ok: true, value });
        },
        (error: unknown) => settle({ ok: false, error }),
      );
    } else if (!callbackStyle) {
      settle({ ok: true, value: returned });
    }
  });
}

export type SerialisedResult = { ok: true; json: string } | { ok: false; message: string };

/** HubSpot passes results through JSON: `undefined` becomes `null`; anything that fails is INVALID_RESPONSE. */
export function serialiseResult(value: unknown, payloadBytes: number): SerialisedResult {
  let json: string | undefined;
  try {
    json = JSON.stringify(value === undefined ? null : value);
  } catch (error) {
    return { ok: false, message: `The function's result is not JSON-serialisable: ${describeError(error).message}` };
  }
  // JSON.stringify returns undefined for functions and symbols.
  json ??= "null";
  const bytes = Buffer.byteLength(json);
  if (bytes > payloadBytes) {
    return { ok: false, message: `The function's result is ${bytes} bytes, over the ${payloadBytes}-byte limit` };
  }
  return { ok: true, json };
}

export function describeError(error: unknown): InvocationError {
  if (isError(error)) {
    const described: InvocationError = { type: error.name, message: error.message };
    if (typeof error.stack === "string") described.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") described.code = code;
    return described;
  }
  let message: string;
  try {
    message = typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    message = String(error);
  }
  return { type: typeof error, message };
}

function isError(value: unknown): value is Error {
  return types.isNativeError(value) || value instanceof Error;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}
